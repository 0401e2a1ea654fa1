#!/usr/bin/env bash
# Makes sure the Airflow virtualenv exists and holds exactly airflow-requirements.txt;
# prints its path. Used by the benchmarks that run Apache Airflow as the peer.
#   AIRFLOW_VENV    where the virtualenv lives (default: .venv-airflow/ at the
#                   repository root, gitignored)
#   AIRFLOW_PYTHON  the interpreter it is made from (default: python3; the pins
#                   were resolved on CPython 3.11)
# Installs from PyPI only (no local wheel folders), once: a stamp with the requirements' checksum makes
# later calls a no-op until airflow-requirements.txt changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${AIRFLOW_VENV:-$root/.venv-airflow}
python=${AIRFLOW_PYTHON:-python3}
want=$(sha256sum "$here/airflow-requirements.txt" | cut -d' ' -f1)
stamp="$venv/.requirements.sha256"
if [[ ! -x "$venv/bin/airflow" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  echo "installing Apache Airflow into $venv (from PyPI, pinned by bench/support/airflow-requirements.txt)" >&2
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  PIP_FIND_LINKS= "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/airflow-requirements.txt" >&2
  echo "$want" >"$stamp"
fi
echo "$venv"
