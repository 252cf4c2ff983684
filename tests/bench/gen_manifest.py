#!/usr/bin/env python3
"""gen_manifest.py - a JSON manifest of N generated rows, for the portfolio
at scale (`readyaudit manifest summary`) without rendering N reports.

    gen_manifest.py N OUT.json [--tool "readyaudit X.Y.Z"] [--per-system K]

Rows are seeded and deterministic: N/K systems (K = 4 by default), each
assessed in K quarters, with scores, layer scores, gaps, not-applicable
checks and owners of overdue and expired items drawn around a per-system
level; every seventh record failed to load instead. The check ids are the
shipped checklist's (minimum viable to regulated, by profile).
"""
import json
import random
import sys

LAYERS = ["prompt", "evaluation", "observability", "cost", "rag", "security", "governance",
          "deployment"]
PREFIX = {"prompt": "PM", "evaluation": "EV", "observability": "OBS", "cost": "COST",
          "rag": "RAG", "security": "SEC", "governance": "GOV", "deployment": "DEP"}
PROFILES = ["minimum-viable", "startup", "enterprise", "regulated"]
VERDICTS = ["ready", "ready-with-conditions", "not-ready"]
SIGNOFFS = ["signed-off", "draft", "rejected", "not-required"]
OWNERS = ["Priya Raman", "Tom Okafor", "Marek Nowak", "Hannah Lindqvist", "Rafael Ortega",
          "Aoife Gallagher", "Yusuf Demir", "Claire Dubois", "Olusegun Adeyemi", "Mei Tanaka"]
QUARTERS = ["2026-02-15", "2026-05-15", "2026-08-15", "2026-11-15"]


def shortest(x):
    return repr(float(x)) if x != int(x) else str(int(x))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    n, out = int(argv[1]), argv[2]
    tool = argv[argv.index("--tool") + 1] if "--tool" in argv else "readyaudit 0.4.0"
    k = int(argv[argv.index("--per-system") + 1]) if "--per-system" in argv else 4
    rnd = random.Random(20261202)
    nsys = max(1, n // k)
    level = [rnd.uniform(35, 95) for _ in range(nsys)]
    profile = [rnd.choice(PROFILES) for _ in range(nsys)]
    with open(out, "w", encoding="utf-8") as f:
        f.write("[\n")
        for i in range(n):
            s, q = i % nsys, i // nsys
            date = QUARTERS[q % len(QUARTERS)].replace("2026", str(2026 + q // len(QUARTERS)))
            rid = "GEN-%05d-Q%d" % (s, q + 1)
            row = {"id": rid, "system": "Generated system %05d" % s,
                   "organisation": "Org %03d" % (s % 997), "input": "records/%s.xml" % rid,
                   "tool": tool}
            if i % 7 == 6:
                row.update({c: None for c in ("profile", "score", "band", "verdict", "signoff",
                                              "gaps", "overdue", "expired_risks", "input_sha256",
                                              "output", "output_sha256")})
                row.update({"id": None, "system": None, "organisation": None,
                            "status": "failed", "error": "%s:3: error: not well-formed" %
                            row["input"]})
                f.write(json.dumps(row) + (",\n" if i + 1 < n else "\n"))
                continue
            score = max(0.0, min(100.0, level[s] + 4 * q + rnd.uniform(-8, 8)))
            layers = {l: max(0.0, min(100.0, score + rnd.uniform(-20, 20))) for l in LAYERS}
            gaps = ["%s-%02d" % (PREFIX[l], j) for l in LAYERS for j in (1, 2, 3, 4, 5)
                    if rnd.random() * 100 > layers[l]]
            na = ["RAG-%02d" % j for j in (1, 2, 3, 4, 5)] if rnd.random() < 0.2 else []
            overdue = [rnd.choice(OWNERS) for _ in range(rnd.choice([0, 0, 0, 1, 2]))]
            expired = [rnd.choice(OWNERS) for _ in range(rnd.choice([0, 0, 0, 0, 1]))]
            verdict = "ready" if score >= 80 else "ready-with-conditions" if score >= 60 \
                else "not-ready"
            row.update({
                "profile": profile[s], "score": score, "band": "Managed", "verdict": verdict,
                "signoff": rnd.choice(SIGNOFFS), "gaps": len(gaps), "overdue": len(overdue),
                "expired_risks": len(expired), "input_sha256": "%064x" % i,
                "output": "pack/%s.pdf" % rid, "output_sha256": "%064x" % (i + 1),
                "status": "done", "error": "",
                "system_key": "org %03d / generated system %05d" % (s % 997, s),
                "assessed_on": date,
                "layer_scores": " ".join("%s=%s" % (l, shortest(v)) for l, v in layers.items()
                                         if not (na and l == "rag")),
                "gap_checks": " ".join(g for g in gaps if g not in na),
                "not_applicable": " ".join(na),
                "overdue_owners": "; ".join(overdue), "expired_owners": "; ".join(expired)})
            f.write(json.dumps(row) + (",\n" if i + 1 < n else "\n"))
        f.write("]\n")


if __name__ == "__main__":
    main(sys.argv)
