#!/usr/bin/env bash
# make demo: Custody as it runs on a dock. custodyd runs on a fresh demo state with a watched folder
# (a card reader's drop folder); the demo recordings land in it and are verified while `custody
# status` shows it; an officer and a reviewer are registered (the reviewer's grant takes two
# approvals) and each lists what they may see; a supervision report is written as HTML; the store and
# the audit chain are checked; the daemon is stopped with SIGTERM. Run as root (it creates the Unix
# accounts demo-officer and demo-reviewer if missing, and adds them to the group custody).
#
# Environment: CUSTODY_BIN (the folder with custodyd and custody; default .build/debug), DEMO_DIR
# (default demo/; its state/ is made afresh each run), DEMO_RUN_DIR (the socket's folder, which the
# demo accounts must be able to reach; default /run/custody-demo).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${CUSTODY_BIN:-$ROOT/.build/debug}
DEMO=${DEMO_DIR:-$ROOT/demo}
RUN_DIR=${DEMO_RUN_DIR:-/run/custody-demo}
STATE=$DEMO/state
DROP=$DEMO/card-reader
CONFIG=$DEMO/custodyd.toml
LOG=$DEMO/custodyd.log
REPORT=$DEMO/report.html
export CUSTODY_SOCKET=$RUN_DIR/control.sock
OFFICER=demo-officer
REVIEWER=demo-reviewer
STARTED=$SECONDS

if [ -t 1 ]; then
    step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
    step() { printf '\n== %s\n' "$*"; }
fi
fail() {
    echo "make demo: $*" >&2
    exit 1
}
# Runs the CLI as a demo account: its own uid, gid and groups, as a person logged in would.
as() {
    local user=$1
    shift
    setpriv --reuid="$user" --regid="$user" --init-groups "$BIN/custody" "$@"
}
# Polls `check` every 0.2 s until it succeeds, at most `seconds`: the demo waits on the daemon's
# answers, never for a fixed time.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < deadline)) || fail "$what did not happen within $seconds s (daemon log: $LOG)"
        sleep 0.2
    done
}

[ "$(id -u)" = 0 ] || fail "run as root: the demo creates Unix accounts and runs custodyd (sudo make demo)"
for tool in "$BIN/custodyd" "$BIN/custody"; do
    [ -x "$tool" ] || fail "$tool is missing; build first (make build)"
done
command -v setpriv >/dev/null || fail "setpriv is missing; install util-linux"
command -v python3 >/dev/null || fail "python3 is missing; run make deps"

DAEMON=
# Whatever happens, no daemon is left running: SIGTERM, then wait for it to exit.
stop_daemon() {
    if [ -n "$DAEMON" ] && kill -0 "$DAEMON" 2>/dev/null; then
        kill -TERM "$DAEMON"
        wait "$DAEMON" || true
    fi
    DAEMON=
}
trap 'status=$?; stop_daemon; if [ $status -ne 0 ]; then echo "--- daemon log ($LOG), last lines:" >&2; tail -n 20 "$LOG" >&2 2>/dev/null; fi; exit $status' EXIT
trap 'exit 130' INT TERM

step "A fresh demo state, a drop folder watched by custodyd, the accounts demo-officer and demo-reviewer"
rm -rf "$STATE" "$DROP" "$REPORT" "$CONFIG" "$LOG"
mkdir -p "$DEMO" "$DROP" "$RUN_DIR"
chmod 0755 "$RUN_DIR"
groupadd -f custody
for user in "$OFFICER" "$REVIEWER"; do
    id "$user" >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$user"
    usermod -aG custody "$user"
done
"$BIN/custodyd" init --state "$STATE"
cat >"$CONFIG" <<EOF
# The demo's configuration: a folder-only station (no USB), one watched folder, the socket for the
# group custody. See docs/configuration.md for every key.
[store]
state_directory = "$STATE"

[control]
socket = "$CUSTODY_SOCKET"
group = "custody"
allowed_groups = ["custody"]

[devices]
enabled = false

[[watch]]
path = "$DROP"
name = "card reader"
device = "DEV0001"
settle_seconds = 0.5

[fixity]
enabled = false

[audit]
journal = false
EOF
"$BIN/custodyd" run --config "$CONFIG" --check

step "custodyd run: the daemon, serving $CUSTODY_SOCKET"
"$BIN/custodyd" run --config "$CONFIG" 2>"$LOG" &
DAEMON=$!
daemon_answers() {
    kill -0 "$DAEMON" 2>/dev/null || fail "custodyd exited at start-up: $(tail -n 5 "$LOG")"
    "$BIN/custody" status >/dev/null 2>&1
}
wait_for 30 "custodyd answering on its socket" daemon_answers
"$BIN/custody" status

step "The recordings of camera DEV0001 (officer P1234) land in the card reader's folder"
cp -r "$ROOT/fixtures/demo-volume/." "$DROP/"
find "$DROP" -type f -printf '  %P  %s bytes\n' | sort
expected=$(find "$DROP" -type f | wc -l)
verified_count() {
    "$BIN/custody" list --json --limit 1000 |
        python3 -c 'import json,sys; print(sum(i["state"] == "verified" for i in json.load(sys.stdin)["items"]))'
}
last=-1
all_verified() {
    local count
    count=$(verified_count)
    if [ "$count" != "$last" ]; then
        last=$count
        echo "-- custody status: $count of $expected recordings verified"
        "$BIN/custody" status
    fi
    [ "$count" -ge "$expected" ]
}
wait_for 45 "all $expected recordings verified" all_verified

step "People: a unit, an officer (P1234, whose camera it is) and a reviewer"
"$BIN/custody" unit add DEMO --name "Demo district"
"$BIN/custody" person add P1234 --name "Olive Officer" --unit DEMO --account "$OFFICER" --head-of-unit
"$BIN/custody" person add R0001 --name "Rita Reviewer" --unit DEMO --account "$REVIEWER"
step "The reviewer asks for a reviewer grant; her unit's head approves, then an administrator (root)"
grant=$(as "$REVIEWER" grant request --role reviewer --reason "reviews the demo district's recordings" \
    --until "$(date -u -d '+30 days' +%F)" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
as "$OFFICER" grant approve "$grant"
"$BIN/custody" grant approve "$grant"
as "$REVIEWER" whoami

step "What the officer sees: her own recordings (custody list as demo-officer)"
as "$OFFICER" list
step "What the reviewer sees: her unit's recordings (custody list as demo-reviewer)"
as "$REVIEWER" list

step "What an administrator sees: every item, the two files no officer is named on included (custody list as root)"
"$BIN/custody" list

step "The supervision report, as HTML"
"$BIN/custody" report --html "$REPORT"
echo "written: $REPORT"

step "custodyd stops on SIGTERM"
stop_daemon
tail -n 3 "$LOG"

step "Every object decrypted and re-hashed; the audit chain checked"
"$BIN/custodyd" verify --deep --state "$STATE"
"$BIN/custodyd" audit verify --state "$STATE"

echo
echo "demo finished in $((SECONDS - STARTED)) s: state in $STATE, report in $REPORT, daemon log in $LOG"
