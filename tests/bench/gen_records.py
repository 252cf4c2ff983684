#!/usr/bin/env python3
"""Generates realistic, varied synthetic assessment records for benchmarks.

    gen_records.py N OUTDIR [--seed S]          N records for the shipped checklist
    gen_records.py --checklist C OUTDIR         a C-check custom checklist and one record for it

Deterministic for a given seed: every profile, names in several scripts,
short and long texts, evidence with and without digests, remediations,
risk acceptances and approvals in every state.
"""
import hashlib
import os
import random
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

NS = "{urn:readyaudit:checklist:1}"
HERE = os.path.dirname(os.path.abspath(__file__))
CHECKLIST = os.path.join(HERE, "..", "..", "templates", "llmops-readiness.xml")

PEOPLE = ["Zoë Müller", "Łukasz Kowalczyk", "Ελένη Παπαδοπούλου", "Дмитрий Соколов",
          "Ayşe Yılmaz", "Siobhán Ní Bhriain", "José Ángel Núñez", "Priya Raman",
          "Ngozi Okafor", "Mikael Ström", "Chloé Lefèvre", "Tomasz Wiśniewski"]
ORGS = ["Nordwind Kreditbank AG", "Halden Mutual", "Altamira Logistics plc",
        "Société Générale d'Assurances", "Ørsted Retail A/S", "Kraków Health Sp. z o.o."]
SYSTEMS = ["support assistant", "claims triage", "contract search", "sales copilot",
           "meeting notes", "code review bot", "tenant helpdesk", "credit adviser"]
WORDS = ("the prompt registry holds every version with a changelog and the eval report that "
         "approved it traces link retrieval tool calls and generation under one request id "
         "budgets alert at eighty percent and hard caps stop runaway agents the index rebuild "
         "is reproducible from a pinned snapshot and can be rolled back").split()
ROLES = ["technical-owner", "product-owner", "security-lead", "compliance-officer",
         "data-protection-officer"]


def text(rng, lo, hi):
    n = rng.randint(lo, hi)
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def date(y, m, d):
    return "%04d-%02d-%02d" % (y, m, d)


def load_checks(path):
    root = ET.parse(path).getroot()
    profiles = {p.get("id"): int(p.get("rank")) for p in root.iter(NS + "profile")}
    checks = [(c.get("id"), profiles[c.get("profile")], c.get("gate") == "true")
              for c in root.iter(NS + "check")]
    order = sorted(profiles, key=profiles.get)
    return root.get("id"), root.get("version"), order, profiles, checks


def record(rng, i, cl_id, cl_version, profile, rank, checks, roles=ROLES):
    on = date(2026, rng.randint(1, 11), rng.randint(1, 28))
    y, m, d = (int(x) for x in on.split("-"))
    org = rng.choice(ORGS)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<assessment xmlns="urn:readyaudit:assessment:1" id="GEN-%05d" checklist=%s '
           'checklist-version=%s profile=%s>' % (i, quoteattr(cl_id), quoteattr(cl_version),
                                                 quoteattr(profile)),
           "  <system><name>%s %s</name><organisation>%s</organisation>" % (
               escape(rng.choice(SYSTEMS).title()), i, escape(org)),
           "    <description>%s</description></system>" % escape(text(rng, 8, 40)),
           "  <assessed-on>%s</assessed-on>" % on,
           '  <assessors><assessor name=%s role="Assessor"/></assessors>' % quoteattr(
               rng.choice(PEOPLE)),
           "  <results>"]
    for cid, crank, gate in checks:
        if crank > rank or rng.random() < 0.04:
            continue
        st = rng.choices(["pass", "partial", "fail", "not-applicable"], [70, 15, 10, 5])[0]
        if gate and st == "not-applicable":
            st = "pass"
        out.append('    <result check=%s status="%s">' % (quoteattr(cid), st))
        for k in range(rng.choice([0, 1, 1, 2, 3])):
            digest = hashlib.sha256(("%d%s%d" % (i, cid, k)).encode()).hexdigest()
            out.append('      <evidence kind="document" ref="DOC-%d-%s-%d"%s>%s</evidence>' % (
                i, cid, k, ' sha256="%s"' % digest if rng.random() < 0.5 else "",
                escape(text(rng, 3, 30))))
        if rng.random() < 0.3:
            out.append("      <note>%s</note>" % escape(text(rng, 5, 120)))
        if st in ("partial", "fail") and rng.random() < 0.8:
            out.append('      <remediation owner=%s due="%s">%s</remediation>' % (
                quoteattr(rng.choice(PEOPLE)), date(y + rng.choice([0, 1]), rng.randint(1, 12),
                                                    rng.randint(1, 28)), escape(text(rng, 5, 40))))
        if st in ("partial", "fail") and rng.random() < 0.2:
            out.append('      <risk-acceptance by=%s role="%s" date="%s" expires="%s">%s'
                       '</risk-acceptance>' % (quoteattr(rng.choice(PEOPLE)), rng.choice(roles),
                                               date(y - 1, 1, 1), date(y + rng.choice([-1, 1]), 6, 30),
                                               escape(text(rng, 5, 30))))
        if st == "not-applicable":
            out.append("      <justification>%s</justification>" % escape(text(rng, 5, 25)))
        out.append("    </result>")
    out.append("  </results>")
    out.append("  <sign-off>")
    for role in roles[:rank + 1]:
        if rng.random() < 0.85:
            dec = rng.choices(["approved", "approved-with-conditions", "rejected"], [80, 17, 3])[0]
            out.append('    <approval name=%s role="%s" decision="%s" date="%s">%s</approval>' % (
                quoteattr(rng.choice(PEOPLE)), role, dec, date(y + 1, 1, 15),
                escape(text(rng, 3, 20))))
    out.append("  </sign-off>")
    out.append("</assessment>")
    return "\n".join(out) + "\n"


def shipped(n, outdir, seed):
    rng = random.Random(seed)
    cl_id, cl_version, order, profiles, checks = load_checks(CHECKLIST)
    os.makedirs(outdir, exist_ok=True)
    for i in range(n):
        profile = order[i % len(order)]
        with open(os.path.join(outdir, "rec-%05d.xml" % i), "w", encoding="utf-8") as f:
            f.write(record(rng, i, cl_id, cl_version, profile, profiles[profile], checks))


def custom(nchecks, outdir, seed):
    """A checklist of nchecks checks over 8 layers, one profile, and a record for it."""
    rng = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    per = nchecks // 8
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<checklist xmlns="urn:readyaudit:checklist:1" id="bench-%d" version="1" '
           'title="Benchmark checklist of %d checks">' % (nchecks, nchecks),
           '  <roles><role id="technical-owner" name="Technical owner"/></roles>',
           '  <profiles><profile id="all" rank="1" name="All" ready="80" conditional="60" '
           'evidence-required="false"><requires-signoff role="technical-owner"/></profile>'
           '</profiles>', "  <layers>"]
    checks = []
    for layer in range(8):
        out.append('    <layer id="layer-%d" name="Layer %d" weight="1">' % (layer, layer))
        out.append("      <prototype-question>Does it work?</prototype-question>")
        out.append("      <production-question>Is it ready?</production-question>")
        for k in range(per):
            cid = "L%d-%04d" % (layer, k)
            gate = layer == 0 and k == 0
            checks.append((cid, 1, gate))
            out.append('      <check id="%s" weight="%d" profile="all"%s><title>Check %s</title>'
                       '<question>Is %s in place?</question><guidance>%s</guidance>'
                       '<remediation>%s</remediation></check>' % (
                           cid, rng.randint(1, 3), ' gate="true"' if gate else "", cid, cid,
                           escape(text(rng, 10, 30)), escape(text(rng, 5, 15))))
        out.append("    </layer>")
    out += ["  </layers>", '  <bands><band min="80" label="High"/><band min="0" label="Low"/>'
            "</bands>", "</checklist>"]
    with open(os.path.join(outdir, "checklist-%d.xml" % nchecks), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    with open(os.path.join(outdir, "record-%d.xml" % nchecks), "w", encoding="utf-8") as f:
        f.write(record(rng, nchecks, "bench-%d" % nchecks, "1", "all", 1, checks,
                       ["technical-owner"]))


def main(argv):
    seed = 2026
    if "--seed" in argv:
        k = argv.index("--seed")
        seed = int(argv[k + 1])
        del argv[k:k + 2]
    if len(argv) == 4 and argv[1] == "--checklist":
        custom(int(argv[2]), argv[3], seed)
    elif len(argv) == 3:
        shipped(int(argv[1]), argv[2], seed)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
