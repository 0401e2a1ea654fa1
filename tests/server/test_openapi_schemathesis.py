"""Property-based checks of the OpenAPI documents with schemathesis (pinned in
requirements-test.txt): for every operation of /api/v2/openapi.json (with a
bearer token) and /api/v1/openapi.json (with the same token), a bounded number of
generated requests, valid and invalid, against a real webserver on a throw-away
home. No answer may be a 5xx; status codes, content types and bodies must be
the ones the document declares.

Usage: test_openapi_schemathesis.py <path to arxivflow> [max examples per operation]
(run with the project's .venv python)"""
import json
import os
import subprocess
import sys
import urllib.request

from server_helpers import Server

DAG = """
dag_id: st_dag
schedule: null
start_date: 2026-01-01
tasks:
  - task_id: only
    operator: noop
"""

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def token(base):
    req = urllib.request.Request(base + "/auth/token", method="POST",
                                 data=json.dumps({"username": "admin", "password": "admin-pass"}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["access_token"]


def schemathesis(srv, version, auth_args, examples):
    exe = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    cmd = [exe, "run", f"{srv.base}/api/{version}/openapi.json", "--url", srv.base, *auth_args,
           "--checks", CHECKS, "--max-examples", str(examples), "--phases", "examples,coverage,fuzzing",
           "--seed", "1", "--workers", "1", "--generation-database", "none", "--no-color",
           "--request-timeout", "30",
           # Login and token endpoints would trip the login throttle for this address.
           "--exclude-path-regex", "/auth/"]
    print("$", " ".join(cmd if "-H" not in cmd else [c if not c.startswith("Authorization") else "Authorization: ***" for c in cmd]),
          flush=True)
    return subprocess.run(cmd, cwd=srv.root, timeout=900).returncode


def main():
    examples = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    srv = Server(keep_shipped_dags=False)
    srv.write_dag("st_dag.yaml", DAG)
    srv.start()
    failed = False
    try:
        # Bearer tokens on both: generated requests with bad Basic credentials
        # trip the login throttle, which never delays a token.
        bearer = ["-H", f"Authorization: Bearer {token(srv.base)}"]
        rc2 = schemathesis(srv, "v2", bearer, examples)
        rc1 = schemathesis(srv, "v1", bearer, examples)
        failed = rc1 != 0 or rc2 != 0
        log = srv.server_log()
        if "unhandled exception" in log:
            print(log[-4000:])
            failed = True
    finally:
        srv.stop(keep=failed)
    if failed:
        print("schemathesis found problems")
        sys.exit(1)
    print("schemathesis: v1 and v2 conform to their OpenAPI documents")


if __name__ == "__main__":
    main()
