"""Seeds Airflow's metadata DB with the history seed_history.py gives arxivflow:
`runs` finished runs of `dag_id` (run ids scheduled__<logical date>, one an
hour from `start`, 5 minutes long), one task instance per task (state
success, first try, started 10 s apart, 9.5 s each). Runs are created the way
Airflow's own scheduler creates them (SerializedDAG.create_dagrun, which also
creates the task instances and ties them to the DAG version); their states and
times are then set and committed every 100 runs.
Runs inside Airflow's virtualenv, with the AIRFLOW_* environment of the home.
Usage: seed_airflow_history.py <dag_id> <runs> <start> <task_id>..."""
import sys
from datetime import datetime, timedelta, timezone

from airflow.models.serialized_dag import SerializedDagModel
from airflow.utils.session import create_session
from airflow.utils.state import DagRunState, TaskInstanceState
from airflow.utils.types import DagRunTriggeredByType, DagRunType

dag_id, runs = sys.argv[1], int(sys.argv[2])
start = datetime.fromisoformat(sys.argv[3]).replace(tzinfo=timezone.utc)
order = {task: j for j, task in enumerate(sys.argv[4:])}
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")  # noqa: E731 - the same ids as seed_history.py

with create_session() as session:
    dag = SerializedDagModel.get_dag(dag_id, session=session)
    if dag is None:
        sys.exit(f"{dag_id} is not in Airflow's DB (run `airflow dags reserialize` first)")
    if set(dag.task_ids) != set(order):
        sys.exit(f"{dag_id} has tasks {sorted(dag.task_ids)}, expected {sorted(order)}")
    for i in range(runs):
        t0 = start + timedelta(hours=i)
        run = dag.create_dagrun(run_id="scheduled__" + fmt(t0), logical_date=t0,
                                data_interval=(t0, t0 + timedelta(hours=1)), run_after=t0,
                                run_type=DagRunType.SCHEDULED, triggered_by=DagRunTriggeredByType.TIMETABLE,
                                state=DagRunState.SUCCESS, start_date=t0, session=session)
        run.queued_at = t0
        run.end_date = t0 + timedelta(minutes=5)
        for ti in run.get_task_instances(session=session):
            s = t0 + timedelta(seconds=10 * order[ti.task_id])
            ti.state = TaskInstanceState.SUCCESS
            ti.try_number = 1
            ti.queued_dttm = s
            ti.start_date = s
            ti.end_date = s + timedelta(seconds=9.5)
            ti.duration = 9.5
            ti.hostname = "bench"
        if len(run.get_task_instances(session=session)) != len(order):  # none before the DAG's start_date
            sys.exit(f"run {run.run_id}: Airflow created {len(run.get_task_instances(session=session))} task "
                     f"instances, expected {len(order)}")
        if i % 100 == 99:
            session.commit()
print(f"seeded {runs} runs x {len(order)} tasks = {runs * len(order)} task instances")
