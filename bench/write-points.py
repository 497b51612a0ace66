#!/usr/bin/python3
"""Writes N points of one measurement for one day into an InfluxDB (bench data).

50 series (host00..host49) share each timestamp; timestamps are evenly spread over the day.
Usage: write-points.py URL DB DAY N
"""
import sys
import urllib.request
from datetime import datetime, timezone

url, db, day, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()) * 10**9
series = 50
stamps = n // series
step = 86_400 * 10**9 // stamps
urllib.request.urlopen(urllib.request.Request(f"{url}/query", data=f"q=CREATE DATABASE {db}".encode())).read()
batch = []
for s in range(stamps):
    t = start + s * step
    for h in range(series):
        batch.append(f"Aggregated_metrics,host=host{h:02d},region=eu-west value={s * 0.5 + h},count={s}i {t}")
    if len(batch) >= 5000 or s == stamps - 1:
        body = "\n".join(batch).encode()
        urllib.request.urlopen(urllib.request.Request(f"{url}/write?db={db}&precision=ns", data=body)).read()
        batch = []
