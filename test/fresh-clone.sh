#!/usr/bin/env bash
# The newcomer's path, checked end to end: copy the repository (what a clone
# holds: tracked and new unignored files, no node_modules or data), `npm ci`,
# `npm start` with no DATABASE_URL/REDIS_URL/SMTP_URL (embedded PostgreSQL),
# register a participant over HTTP, stop, then `npm run demo`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d /tmp/brokerage-fresh-clone.XXXXXX)"
server=""
fail() { echo "fresh-clone: FAILED: $*" >&2; [ -f "$dir/start.log" ] && tail -n 30 "$dir/start.log" >&2; exit 1; }
cleanup() { [ -n "$server" ] && kill -TERM -- "-$server" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$dir"
cd "$dir"
# FRESH_CLONE_INSTALL: for a registry mirror that lacks other platforms' optional packages, where `npm ci` refuses the lock file.
install="${FRESH_CLONE_INSTALL:-npm ci}"
echo "fresh-clone: $install in $dir"
$install --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1 || { tail -n 30 npm-ci.log; fail "$install"; }

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
base="http://localhost:$port"
clean=(env -i "PATH=$PATH" "HOME=$HOME" "PORT=$port" "PUBLIC_BASE_URL=$base")

echo "fresh-clone: npm start (no DATABASE_URL, REDIS_URL, SMTP_URL) on port $port"
setsid "${clean[@]}" npm start >start.log 2>&1 &
server=$!
for _ in $(seq 1 180); do curl -sf "$base/health" >/dev/null && break; kill -0 "$server" 2>/dev/null || fail "npm start exited"; sleep 1; done
curl -sf "$base/health" >/dev/null || fail "/health did not answer within 180 s"
grep -q 'embedded PostgreSQL (PGlite)' start.log || fail "the log does not say that the embedded PostgreSQL was started"
grep 'mailbox http' start.log | tail -n 1 | grep -q "docs $base/docs" || fail "no startup line naming API, docs and mailbox"

key="$("${clean[@]}" npm run --silent cli -- organiser:create --name "Fresh clone check" 2>/dev/null | tail -n 1)"
[[ "$key" == org_* ]] || fail "organiser:create printed no API key"

day() { date -u -d "$1 days" +%Y-%m-%dT%H:%M:%SZ; }
slug="fresh-$(date +%s)"
d40="$(date -u -d '40 days' +%Y-%m-%d)"
event="$(curl -s -o event.json -w '%{http_code}' -X POST "$base/api/events" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d @- <<JSON
{"title":"Fresh clone check","slug":"$slug","timezone":"Europe/Berlin","venue":"Online",
 "startsAt":"${d40}T08:00:00Z","endsAt":"${d40}T16:00:00Z",
 "registrationOpensAt":"$(day -1)","registrationClosesAt":"$(day 30)","meetingRequestsCloseAt":"$(day 35)","cancellationClosesAt":"$(day 38)",
 "capacity":50,"waitlist":true,"participantTypes":["company"],"meetingMinutes":20,"changeoverMinutes":5,"tables":5,
 "sessions":[{"startsAt":"${d40}T09:00:00Z","endsAt":"${d40}T12:00:00Z"}]}
JSON
)"
[ "$event" = 201 ] || fail "create event: HTTP $event $(cat event.json)"
status="$(curl -s -o registration.json -w '%{http_code}' -X POST "$base/api/public/events/$slug/registrations" -H 'Content-Type: application/json' \
  -d '{"email":"newcomer@example.org","name":"New Comer","organisation":"Newcomer GmbH","participantType":"company","country":"DE","topics":["sensors"]}')"
[ "$status" = 201 ] || fail "register: HTTP $status $(cat registration.json)"
echo "fresh-clone: registered a participant: $(cat registration.json)"
for _ in $(seq 1 30); do curl -sf "$base/mailbox" | grep -q 'newcomer@example.org' && break; sleep 1; done
curl -sf "$base/mailbox" | grep -q 'newcomer@example.org' || fail "the confirmation email is not listed at $base/mailbox"

kill -TERM -- "-$server"
# npm exits at once; wait for every process of the group (node closes the app, then PGlite).
for _ in $(seq 1 30); do kill -0 -- "-$server" 2>/dev/null || break; sleep 1; done
kill -0 -- "-$server" 2>/dev/null && fail "npm start did not stop on SIGTERM"
server=""
[ ! -e data/dev-services.json ] || fail "the embedded services were not stopped cleanly"

echo "fresh-clone: npm run demo"
"${clean[@]}" timeout 300 npm run --silent demo >demo.log 2>&1 || { cat demo.log; fail "npm run demo"; }
grep -q 'meetings placed' demo.log || { cat demo.log; fail "the demo printed no summary"; }
grep -E 'placed|emails written' demo.log
echo "fresh-clone: OK"
