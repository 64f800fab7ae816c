#!/usr/bin/env python3
"""DuckDB's reading alone: the yardstick's (../shared/bench-peers/audit_duckdb.py) first
two statements, timed (bench/RESULTS.md, round 11).

usage: python3 bench/floor/duckdb_read.py DATASET_DIR
"""
import duckdb, sys, time
src=sys.argv[1]
CASE_TYPES = {"case_id": "VARCHAR", "customer_phone": "VARCHAR", "first_responder_id": "VARCHAR",
              "contacts": "INTEGER", **{c: "TIMESTAMP" for c in (
                  "received_at", "first_response_at", "promised_at", "resolved_at", "followup_at")}}
db=duckdb.connect()
t=time.time()
db.execute(f"""CREATE TABLE cases AS SELECT * FROM read_csv('{src}/cases.csv', header = true,
    timestampformat = '%Y-%m-%d %H:%M:%S', types = {CASE_TYPES})""")
t1=time.time()
db.execute(f"""CREATE TABLE handoffs AS SELECT * FROM read_csv('{src}/handoffs.csv', header = true,
    types = {{'case_id': 'VARCHAR', 'seq': 'INTEGER', 'from_id': 'VARCHAR', 'to_id': 'VARCHAR'}})""")
t2=time.time()
print(f"duckdb read cases.csv {t1-t:.2f} s, handoffs.csv {t2-t1:.2f} s, rows", db.execute("select count(*) from cases").fetchone()[0])
