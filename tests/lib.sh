# tests/lib.sh - the harness the shell suites share; sourced, not run.
#
#   SUITE=name; . tests/lib.sh; suite_start TOOL...
#
# suite_start checks that ./readyaudit (or $READYAUDIT) and every TOOL exist,
# makes $tmp (removed on exit) and points $RA at a copy of the binary reading
# its data from this tree (and keeping its cache in $tmp), so a rebuild while
# the suite runs cannot mix two builds. Cases are begin NAME / expectations / end; problem records a failed
# expectation; skip NAME WHY counts a case that cannot run here; suite_end
# prints the closing "NAME: N passed, N failed, N skipped" line and returns 1
# when a case failed.

RA=${READYAUDIT:-./readyaudit}
# LeakSanitizer cannot run under ptrace: a traced run (make asan) keeps
# the other sanitizer checks and leaves the leak check to the untraced runs.
untraced_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
have_strace=0
command -v strace >/dev/null 2>&1 && strace -qq -o /dev/null true 2>/dev/null && have_strace=1
# python3 may be a slow wrapper (a pyenv shim): find the interpreter once.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
passed=0
failed=0
skipped=0

suite_start() {
    missing=
    [ -x "$RA" ] || missing="$missing $RA (run make)"
    [ -n "$PY" ] || missing="$missing python3"
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    if [ -n "$missing" ]; then
        echo "FAIL: $SUITE: missing:$missing"
        echo "$SUITE: 0 passed, 1 failed, 0 skipped"
        exit 1
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/readyaudit-$SUITE.XXXXXX") || exit 2
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
    cp "$RA" "$tmp/readyaudit" || exit 2
    RA=$tmp/readyaudit
    READYAUDIT_DATADIR=$(pwd)
    export READYAUDIT_DATADIR
    # The user's cache (fonts checked, documents validated before: README,
    # "What a run remembers for the next") is the suite's own: nothing from
    # earlier runs, nothing left in the user's home.
    XDG_CACHE_HOME=$tmp/cache
    export XDG_CACHE_HOME
}

suite_end() {
    echo "$SUITE: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}

# begin NAME: starts a case. Failed expectations collect in $why.
begin() {
    case_name=$(printf '%s\n' "$1" | sed "s|$tmp/|TMP/|g")
    why=
    [ "${V:-0}" = 1 ] && printf 'case: %s\n' "$case_name"
    return 0
}

# skip NAME WHY: counts a case that cannot run on this machine, and says why.
skip() {
    skipped=$((skipped + 1))
    printf 'SKIP: %s: %s\n' "$1" "$2"
}

# problem LINE...: records a failed expectation of the current case.
problem() {
    why="$why$(printf '%s\n' "$@" | sed "s|$tmp/|TMP/|g; s/^/    /")
"
}

# end: counts the current case, printing it when something failed.
end() {
    if [ -z "$why" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: %s\n%s' "$case_name" "$why"
    fi
}

# run ARG...: runs readyaudit; stdout in $tmp/out, stderr in $tmp/err, status in $rc.
run() {
    "$RA" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# excerpt FILE [N]: a few lines of a file, indented, for failure reports.
excerpt() {
    if [ -s "$1" ]; then
        head -n "${2:-5}" "$1" | sed 's/^/  | /'
    else
        echo "  (empty)"
    fi
}

expect_rc() {
    [ "$rc" -eq "$1" ] && return
    problem "exit code: expected $1, got $rc; stderr:" "$(excerpt "$tmp/err")"
}

# expect_eq WHAT GOT WANT
expect_eq() {
    [ "$2" = "$3" ] || problem "$1: expected" "$3" "got" "$2"
}

# make_records DIR N TAG: N records rec-00.xml... in DIR, the samples in
# turn, each record id prefixed with TAG and its number so that all differ.
make_records() {
    "$PY" - "$1" "$2" "$3" samples/*.xml <<'EOF'
import os, re, sys
out, n, tag, samples = sys.argv[1], int(sys.argv[2]), sys.argv[3], sorted(sys.argv[4:])
for i in range(n):
    x = open(samples[i % len(samples)], encoding="utf-8").read()
    x, k = re.subn(r'(<assessment\b[^>]*?\sid=")([^"]*)"',
                   lambda m: '%s%s%02d-%s"' % (m.group(1), tag, i, m.group(2)), x, count=1)
    if k != 1:
        sys.exit("no id attribute in " + samples[i % len(samples)])
    open(os.path.join(out, "rec-%02d.xml" % i), "w", encoding="utf-8").write(x)
EOF
}

# nss_signer_db DIR NICK CN [EMAIL]: a test PKI and an NSS database for
# poppler's signer (pdfsig -sign FIELD -nick NICK -nssdir sql:DIR/nss), made
# with certtool (gnutls-bin), certutil and pk12util (libnss3-tools). Writes
# DIR/ca.key, DIR/ca.pem (a CA, "readyaudit test CA", ECDSA), DIR/NICK.key,
# DIR/NICK.pem (an RSA-2048 signer, CN and EMAIL, digitalSignature and
# nonRepudiation, issued by the CA, valid 30 days), DIR/NICK.p12 (key, cert
# and CA, password "test"), and DIR/nss, a database without password holding
# NICK's key and certificate and trusting the CA. Called again with another
# NICK, it adds that signer under the same CA. Returns non-zero on failure,
# what went wrong in DIR/log.
nss_signer_db() {
    _d=$1 _nick=$2 _cn=$3 _mail=$4
    mkdir -p "$_d" || return 1
    : >>"$_d/log"
    (
        set -e
        cd "$_d"
        if [ ! -f ca.pem ]; then
            printf 'cn = "readyaudit test CA"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 30\n' >ca.tmpl
            certtool --generate-privkey --key-type=ecdsa --outfile ca.key
            certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.pem
            mkdir -p nss
            certutil -N -d sql:nss --empty-password
            certutil -A -d sql:nss -n "readyaudit test CA" -t CT,C,C -i ca.pem
        fi
        {
            printf 'cn = "%s"\n' "$_cn"
            [ -z "$_mail" ] || printf 'email = "%s"\n' "$_mail"
            printf 'signing_key\nexpiration_days = 30\n'
        } >"$_nick.tmpl"
        certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$_nick.key"
        certtool --generate-certificate --load-privkey "$_nick.key" --load-ca-certificate ca.pem \
            --load-ca-privkey ca.key --template "$_nick.tmpl" --outfile "$_nick.pem"
        certtool --to-p12 --load-privkey "$_nick.key" --load-certificate "$_nick.pem" \
            --load-ca-certificate ca.pem --p12-name "$_nick" --password test --outder \
            --outfile "$_nick.p12"
        pk12util -i "$_nick.p12" -d sql:nss -W test
        certutil -L -d sql:nss -n "$_nick"
    ) >>"$_d/log" 2>&1
}

# make_test_pki DIR: a test PKI made with certtool in DIR, valid from 2020 to
# 2045 (so that a SOURCE_DATE_EPOCH between them signs): ca.pem/ca.key; signers
# with a key, a certificate (NAME.key, NAME.pem) and a PKCS#12 file (NAME.p12,
# password in p12.pass): rsa (Alice Example, alice@example.org, RSA 2048),
# ecdsa (Bob Example, bob@example.org, P-256), expired (valid only in 2020),
# nosign (keyEncipherment only, no digitalSignature), and other-ca.pem, a CA
# that signed none of them. Returns non-zero (and says why) when certtool fails.
make_test_pki() {
    d=$1
    mkdir -p "$d" || return 1
    printf 'secret-p12\n' >"$d/p12.pass"
    cat >"$d/ca.tmpl" <<'TMPL'
cn = "readyaudit test CA"
organization = "readyaudit tests"
ca
cert_signing_key
crl_signing_key
activation_date = "2020-01-01 00:00:00"
expiration_date = "2045-01-01 00:00:00"
TMPL
    sed 's/test CA/other CA/' "$d/ca.tmpl" >"$d/other-ca.tmpl"
    for c in ca other-ca; do
        certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$d/$c.key" 2>"$d/err" &&
            certtool --generate-self-signed --load-privkey "$d/$c.key" --template "$d/$c.tmpl" \
                --outfile "$d/$c.pem" 2>"$d/err" >/dev/null || {
            cat "$d/err"
            return 1
        }
    done
    for s in "rsa|Alice Example|alice@example.org|rsa|signing_key|2045-01-01" \
        "ecdsa|Bob Example|bob@example.org|ecdsa|signing_key|2045-01-01" \
        "carol|Carol Example|carol@example.org|rsa|signing_key|2045-01-01" \
        "expired|Eve Expired|eve@example.org|rsa|signing_key|2021-01-01" \
        "nosign|Nora Nosign|nora@example.org|rsa|encryption_key|2045-01-01"; do
        IFS='|' read -r name cn mail type usage until <<SPEC
$s
SPEC
        cat >"$d/$name.tmpl" <<TMPL
cn = "$cn"
email = "$mail"
organization = "readyaudit tests"
$usage
activation_date = "2020-01-01 00:00:00"
expiration_date = "$until 00:00:00"
TMPL
        if [ "$type" = ecdsa ]; then
            kt="--key-type=ecdsa --curve=secp256r1"
        else
            kt="--key-type=rsa --bits=2048"
        fi
        # shellcheck disable=SC2086
        certtool --generate-privkey $kt --outfile "$d/$name.key" 2>"$d/err" &&
            certtool --generate-certificate --load-privkey "$d/$name.key" \
                --load-ca-certificate "$d/ca.pem" --load-ca-privkey "$d/ca.key" \
                --template "$d/$name.tmpl" --outfile "$d/$name.pem" 2>"$d/err" >/dev/null &&
            certtool --to-p12 --load-privkey "$d/$name.key" --load-certificate "$d/$name.pem" \
                --load-ca-certificate "$d/ca.pem" --p12-name "$cn" --password secret-p12 \
                --outder --outfile "$d/$name.p12" 2>"$d/err" >/dev/null || {
            cat "$d/err"
            return 1
        }
    done
}

# preflight_find: sets CP to the class path of PDFBox Preflight (the jars in
# PDFBOX_JARS, default /usr/share/java) and preflight to "yes", or to why its
# cases are skipped (no java, or a jar missing).
preflight_find() {
    _jars=${PDFBOX_JARS:-/usr/share/java}
    CP=
    preflight=yes
    command -v java >/dev/null 2>&1 || preflight="no java (default-jre-headless)"
    for _j in pdfbox2 fontbox2 preflight xmpbox commons-logging javax.activation jaxb-api; do
        if [ -f "$_jars/$_j.jar" ]; then
            CP="${CP:+$CP:}$_jars/$_j.jar"
        elif [ "$preflight" = yes ]; then
            preflight="no $_jars/$_j.jar"
        fi
    done
}
