#!/usr/bin/env bash
# Runs the benchmarks (bench/README.md): starts PostgreSQL as test.sh does, builds Release, prints the results table.
# Arguments go to the bench, e.g. ./bench/run.sh --duration 20 --concurrency 32; ./bench/run.sh --jobs runs the job
# benchmark instead (agent protocol vs pgbench, on a portal of its own; about 5-10 minutes); --vms the VM creation
# benchmark (QEMU hosts vs the simulated hypervisor; needs QEMU and swtpm; about 3 minutes); --attestation TPM attestation
# in HGS against raw ECDSA and RSA signature verification (HGS on SQLite; about 3 minutes). Build output goes to
# $BENCH_ARTIFACTS (default /tmp/portal-bench-artifacts), so it never touches a test run's bin/obj. The HTTP benchmarks
# also run wrk (installed from apt when missing), pinned with taskset to another CPU than the portal's; --no-wrk skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
artifacts=${BENCH_ARTIFACTS:-/tmp/portal-bench-artifacts}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# PostgreSQL, as in test.sh.
command -v pg_ctlcluster >/dev/null || {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}
if ! pg_lsclusters -h | grep -q .; then
  as_root pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main >/dev/null
fi
read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters -h | head -1)
[ "$pg_status" = online ] || as_root pg_ctlcluster "$pg_version" "$pg_cluster" start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 1; done
as_root su postgres -c "psql -q -p $pg_port -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal') THEN
    CREATE ROLE portal LOGIN PASSWORD 'portal' CREATEDB;
  END IF;
END $$;
SQL
export PORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=portal;Password=portal"
# pgbench comes with the server but is not always on PATH.
PATH="$PATH:/usr/lib/postgresql/$pg_version/bin"

# wrk drives the HTTP benchmarks from outside the portal's process (skipped with --no-wrk); install it if missing.
if [[ " $* " != *" --no-wrk "* ]] && ! command -v wrk >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

# The fleet benchmark holds two connections per simulated agent on each side (thousands): allow what the hard limit allows.
if [[ " $* " == *" --fleet "* ]]; then ulimit -n "$(ulimit -Hn)" || true; fi

dotnet build bench/Portal.Bench -c Release --artifacts-path "$artifacts" -warnaserror --nologo -clp:ErrorsOnly
# The bench stops every process it starts (pgbench) itself; bound the whole run as well.
exec timeout --signal=INT --kill-after=30 30m dotnet "$artifacts/bin/Portal.Bench/release/Portal.Bench.dll" "$@"
