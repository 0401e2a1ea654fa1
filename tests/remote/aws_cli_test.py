#!/usr/bin/env python3
"""`arxivflow aws ...` end to end, without ever talking to AWS.

usage: aws_cli_test.py ARXIVFLOW_BIN   (run under tests/support/s3rver_harness.mjs)

- --dry-run output of every Redshift/EMR command, signed at a fixed time
  (ARXIVFLOW_AWS_FIXED_TIME) with the AWS documentation's example keys, is
  compared with tests/remote/golden/*.txt (UPDATE_GOLDEN=1 rewrites them);
  secrets never appear; the printed string to sign is recomputed here with an
  independent SigV4 implementation.
- redshift/emr commands are sent to a fake control plane on 127.0.0.1 that
  checks each signature and answers with canned documents.
- `aws s3 create-bucket` runs against s3rver (AWS_ENDPOINT_URL from the harness).
"""
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.parse

BIN = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
PASSWORD = "Sup3r$ecretPassw0rd"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, env_extra=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra or {})
    p = subprocess.run([BIN, "--log-level", "warn"] + args, env=env, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def sigv4(method, path, headers, body, region, service, amz_date, secret):
    signed = sorted(headers)
    creq = "\n".join([method, path, "", "".join("%s:%s\n" % (h, " ".join(headers[h].split())) for h in signed),
                      ";".join(signed), hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return sts, hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------ dry runs
DRY_ENV = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "us-east-1",
           "ARXIVFLOW_AWS_FIXED_TIME": "20150830T123600Z", "ARXIVFLOW_REDSHIFT_PASSWORD": PASSWORD}
DROP = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "AWS_PROFILE")
DRY_RUNS = {
    "redshift_create": ["aws", "redshift", "create", "--iam-role", "arn:aws:iam::123456789012:role/dwhRole",
                        "--dry-run"],
    "redshift_delete": ["aws", "redshift", "delete", "--dry-run"],
    "redshift_status": ["aws", "redshift", "status", "--cluster-id", "my-cluster", "--region", "eu-west-1",
                        "--dry-run"],
    "emr_create": ["aws", "emr", "create", "--key-name", "spark-key", "--core-nodes", "3", "--dry-run"],
    "emr_terminate": ["aws", "emr", "terminate", "--cluster-id", "j-2AXXXXXXGAPLF", "--dry-run"],
    "emr_status": ["aws", "emr", "status", "--cluster-id", "j-2AXXXXXXGAPLF", "--dry-run"],
}
for name, args in DRY_RUNS.items():
    code, out, err = run(args, DRY_ENV, DROP)
    check(code == 0, "%s exits 0 (got %d: %s)" % (name, code, err.strip()))
    for secret in (SECRET, PASSWORD, urllib.parse.quote(PASSWORD, safe="")):
        check(secret not in out and secret not in err, "%s never prints a secret" % name)
    check("(masked)" in out and "AKID*" in out, "%s masks the signature and access key" % name)
    # Recompute the string to sign from the printed request (bodies without
    # secrets are printed verbatim).
    lines = out.split("\n")
    method, url = lines[0].split(" ", 1)
    headers, i = {}, 1
    while lines[i]:
        k, v = lines[i].split(": ", 1)
        headers[k.lower()] = v
        i += 1
    body = lines[i + 1]
    printed_sts = "\n".join(l[4:] for l in lines if l.startswith("#   "))
    signed = headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    region = headers["authorization"].split("/")[2]
    service = headers["authorization"].split("/")[3]
    if "********" not in body:
        sts, sig = sigv4(method, "/", {h: headers[h] for h in signed}, body.encode(), region, service,
                         headers["x-amz-date"], SECRET)
        check(sts == printed_sts, "%s: string to sign matches an independent SigV4 computation" % name)
        check("Signature=" + sig[:4] + "…(masked)" in headers["authorization"], "%s: signature prefix matches" % name)
    golden = os.path.join(GOLDEN, name + ".txt")
    if os.environ.get("UPDATE_GOLDEN"):
        with open(golden, "w") as f:
            f.write(out)
    else:
        with open(golden) as f:
            want = f.read()
        check(out == want, "%s matches %s" % (name, golden))
        if out != want:
            print(out)

code, out, err = run(["aws", "redshift", "create", "--dry-run"], {**DRY_ENV, "ARXIVFLOW_REDSHIFT_PASSWORD": ""}, DROP)
check(code != 0 and "master-password" in err, "redshift create without a password is refused")
code, out, err = run(["aws", "redshift", "status", "--dry-run"],
                     {"HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, DROP)
check(code != 0 and err.startswith("error: no AWS credentials"), "missing credentials give a clear error: " + err)


# ------------------------------------------------------------------ fake control plane
class FakeAws(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        auth = self.headers.get("authorization", "")
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        parts = auth.split("Credential=")[1].split(",")[0].split("/")
        _, sig = sigv4("POST", self.path, {h: self.headers.get(h, "") for h in signed}, body, parts[2], parts[3],
                       self.headers["x-amz-date"], SECRET)
        if not auth.endswith("Signature=" + sig):
            return self.answer(403, "text/xml", "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>"
                               "The request signature we calculated does not match</Message></Error></ErrorResponse>")
        target = self.headers.get("x-amz-target", "")
        FakeAws.seen.append(target or urllib.parse.parse_qs(body.decode())["Action"][0])
        if target == "ElasticMapReduce.RunJobFlow":
            return self.answer(200, "application/x-amz-json-1.1", json.dumps({"JobFlowId": "j-TESTCLUSTER"}))
        if target == "ElasticMapReduce.DescribeCluster":
            return self.answer(200, "application/x-amz-json-1.1", json.dumps({"Cluster": {
                "Id": "j-TESTCLUSTER", "Name": "arxivflow-emr", "MasterPublicDnsName": "ec2-1-2-3-4.compute.example",
                "Status": {"State": "WAITING", "StateChangeReason": {"Message": "Cluster ready"}}}}))
        if target:
            return self.answer(400, "application/x-amz-json-1.1",
                               json.dumps({"__type": "InvalidRequestException", "message": "Cluster id 'j-NOPE' is not valid."}))
        form = urllib.parse.parse_qs(body.decode())
        if form["Action"][0] == "DescribeClusters" and form["ClusterIdentifier"][0] == "missing":
            return self.answer(404, "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>ClusterNotFound</Code>"
                               "<Message>Cluster missing not found.</Message></Error></ErrorResponse>")
        return self.answer(200, "text/xml", """<DescribeClustersResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/">
  <DescribeClustersResult><Clusters><Cluster>
    <ClusterIdentifier>arxivflow-redshift</ClusterIdentifier><NodeType>dc2.large</NodeType>
    <ClusterStatus>available</ClusterStatus><NumberOfNodes>2</NumberOfNodes><DBName>dev</DBName>
    <MasterUsername>awsuser</MasterUsername>
    <Endpoint><Address>arxivflow-redshift.abc123.us-east-1.redshift.amazonaws.com</Address><Port>5439</Port></Endpoint>
    <IamRoles><ClusterIamRole><IamRoleArn>arn:aws:iam::123456789012:role/dwhRole</IamRoleArn>
      <ApplyStatus>in-sync</ApplyStatus></ClusterIamRole></IamRoles>
  </Cluster></Clusters></DescribeClustersResult></DescribeClustersResponse>""")

    def answer(self, status, ctype, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeAws)
threading.Thread(target=server.serve_forever, daemon=True).start()
fake = "http://127.0.0.1:%d" % server.server_address[1]
LIVE_ENV = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_REDSHIFT": fake, "AWS_ENDPOINT_URL_EMR": fake}
code, out, err = run(["aws", "redshift", "status"], LIVE_ENV, DROP)
check(code == 0, "redshift status against the fake API: %s" % err)
check("endpoint: arxivflow-redshift.abc123.us-east-1.redshift.amazonaws.com:5439" in out, "status prints the endpoint")
check("role:     arn:aws:iam::123456789012:role/dwhRole" in out, "status prints the role ARN")
check("redshift://awsuser:<password>@arxivflow-redshift.abc123.us-east-1.redshift.amazonaws.com:5439/dev"
      "?iam_role=arn:aws:iam::123456789012:role/dwhRole" in out, "status prints the connection URI")
code, out, err = run(["aws", "redshift", "status", "--cluster-id", "missing"], LIVE_ENV, DROP)
check(code == 1 and "ClusterNotFound: Cluster missing not found." in err, "missing cluster is a clear error: " + err)
code, out, err = run(["aws", "redshift", "status"], {**LIVE_ENV, "AWS_SECRET_ACCESS_KEY": "wrong"}, DROP)
check(code == 1 and "SignatureDoesNotMatch" in err and "wrong" not in err.replace("SignatureDoesNotMatch", ""),
      "a wrong secret is SignatureDoesNotMatch: " + err)
code, out, err = run(["aws", "emr", "create"], LIVE_ENV, DROP)
check(code == 0 and "cluster: j-TESTCLUSTER" in out, "emr create prints the cluster id: " + out + err)
code, out, err = run(["aws", "emr", "status", "--cluster-id", "j-TESTCLUSTER"], LIVE_ENV, DROP)
check(code == 0 and "state:   WAITING - Cluster ready" in out and "ec2-1-2-3-4.compute.example" in out,
      "emr status prints state and master: " + out + err)
code, out, err = run(["aws", "emr", "terminate", "--cluster-id", "j-NOPE"], LIVE_ENV, DROP)
check(code == 1 and "InvalidRequestException: Cluster id 'j-NOPE' is not valid." in err, "emr error is clear: " + err)
check(FakeAws.seen == ["DescribeClusters", "DescribeClusters", "ElasticMapReduce.RunJobFlow",
                       "ElasticMapReduce.DescribeCluster", "ElasticMapReduce.TerminateJobFlows"], "fake API saw the expected calls: %s" % FakeAws.seen)
server.shutdown()

# ------------------------------------------------------------------ s3 create-bucket against s3rver
if os.environ.get("AWS_ENDPOINT_URL"):
    code, out, err = run(["aws", "s3", "create-bucket", "arxivflow-lake"])
    check(code == 0 and "created s3://arxivflow-lake" in out, "create-bucket succeeds: " + out + err)
    code, out, err = run(["aws", "s3", "create-bucket", "arxivflow-lake"])
    check(code == 3 and "already exists" in err, "create-bucket twice is exit 3: %d %s" % (code, err))
    code, out, err = run(["aws", "s3", "create-bucket", "Bad_Name"])
    check(code == 1 and "bucket name 'Bad_Name'" in err, "invalid bucket name is refused: " + err)
    code, out, err = run(["aws", "s3", "create-bucket", "other-bucket"], {"AWS_SECRET_ACCESS_KEY": "nope"})
    check(code == 1 and "SignatureDoesNotMatch" in err, "wrong secret: " + err)
    code, out, err = run(["aws", "s3", "create-bucket", "other-bucket"], {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    check(code == 1 and "127.0.0.1:9" in err and "attempts" in err, "unreachable endpoint: " + err)
else:
    print("SKIP: s3 create-bucket (no AWS_ENDPOINT_URL; run under s3rver_harness.mjs)")

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("aws_cli_test: all checks passed")
