#!/usr/bin/env bash
# Runs every test in Fluo.sln against real servers, after installing what is missing.
# Prints a last line "N passed, N failed" summed over all test projects (from their TRX results).
set -uo pipefail
cd "$(dirname "$0")/.."

bash eng/install-prerequisites.sh || exit 1

results="TestResults"
rm -rf "$results"
dotnet test Fluo.sln -c Release \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" \
  --blame-hang-timeout 8m \
  "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# A crashed or hung test host writes no passing counts; count the run as failed rather than green.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# The failures again at the end, where a log cut to its tail still shows them: the test, then its message's start.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  awk 'function text(s) { gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
       BEGIN { RS = "<UnitTestResult " }
       # The record runs on to the next result, or to the end of the file (where the summary has an outcome too):
       # only its own first outcome attribute counts.
       match($0, /outcome="[A-Za-z]*"/) && substr($0, RSTART, RLENGTH) == "outcome=\"Failed\"" {
         match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
         message = ""
         if (match($0, /<Message>[^<]*<\/Message>/)) message = substr($0, RSTART + 9, RLENGTH - 19)
         print "FAILED " text(name); print substr(text(message), 1, 1500)
       }' "$trx"
done
echo "skipped: $skipped"
echo "$passed passed, $failed failed"
exit $status
