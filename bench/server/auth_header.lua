-- wrk script: sends the Authorization header given in $BENCH_AUTHORIZATION, so
-- that credentials never appear on wrk's command line (visible in `ps`).
wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
