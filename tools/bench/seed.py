# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Bulk rows for the benchmarks, written straight into the tables: COPY
on PostgreSQL, executemany elsewhere. Nothing here goes through masakari
(no Nova check, no API), so large sizes load in seconds."""

from __future__ import annotations

import csv
import datetime
import io
import json
import uuid
from typing import Iterable, Iterator

import sqlalchemy as sa

CHUNK = 50_000
EPOCH = datetime.datetime(2026, 1, 1)


def _rows_in_chunks(rows: Iterable[dict], size: int) -> Iterator[list]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy(engine: sa.engine.Engine, table: str, rows: Iterable[dict]
          ) -> int:
    """COPY ``rows`` into ``table`` (PostgreSQL), one chunk at a time."""
    total = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for chunk in _rows_in_chunks(rows, CHUNK):
            columns = list(chunk[0])
            buf = io.StringIO()
            writer = csv.writer(buf)
            for row in chunk:
                writer.writerow(['\\N' if row[c] is None else row[c]
                                 for c in columns])
            buf.seek(0)
            cursor.copy_expert(
                f'COPY {table} ({", ".join(columns)}) FROM STDIN WITH '
                "(FORMAT csv, NULL '\\N')", buf)
            total += len(chunk)
        raw.commit()
    finally:
        raw.close()
    return total


def insert(engine: sa.engine.Engine, table: str, rows: Iterable[dict]
           ) -> int:
    """Insert ``rows`` (dicts with the same keys) into ``table``."""
    if engine.dialect.name == 'postgresql':
        return _copy(engine, table, rows)
    target = sa.Table(table, sa.MetaData(), autoload_with=engine)
    total = 0
    with engine.begin() as conn:
        for chunk in _rows_in_chunks(rows, CHUNK):
            conn.execute(sa.insert(target), chunk)
            total += len(chunk)
    return total


def _base(when: datetime.datetime) -> dict:
    return {'created_at': when, 'updated_at': None, 'deleted_at': None,
            'deleted': 0}


def segments_and_hosts(engine: sa.engine.Engine, segments: int,
                       names: list[str]) -> tuple[list[str], list[str]]:
    """``segments`` segments and one host per name, spread round-robin;
    (segment uuids, host uuids)."""
    seg_uuids = [str(uuid.uuid4()) for _ in range(segments)]
    insert(engine, 'failover_segments', (
        dict(_base(EPOCH), uuid=u, name=f'bench-seg-{i}',
             service_type='COMPUTE', description=None,
             recovery_method='auto', enabled=True)
        for i, u in enumerate(seg_uuids)))
    host_uuids = [str(uuid.uuid4()) for _ in names]
    insert(engine, 'hosts', (
        dict(_base(EPOCH), uuid=u, name=name, reserved=False,
             type='COMPUTE', control_attributes='SSH',
             failover_segment_id=seg_uuids[i % segments],
             on_maintenance=False)
        for i, (u, name) in enumerate(zip(host_uuids, names))))
    return seg_uuids, host_uuids


def notifications(engine: sa.engine.Engine, count: int,
                  hosts: list[str], segment_of: dict[str, str],
                  status: str = 'finished',
                  start: datetime.datetime = EPOCH,
                  step: datetime.timedelta = datetime.timedelta(seconds=1)
                  ) -> int:
    """``count`` COMPUTE_HOST notifications over ``hosts`` in turn, one
    ``step`` apart from ``start`` (created, generated and updated then)."""
    payload = json.dumps({'event': 'STOPPED', 'host_status': 'NORMAL',
                          'cluster_status': 'OFFLINE'})

    def rows() -> Iterator[dict]:
        for i in range(count):
            when = start + step * i
            host = hosts[i % len(hosts)]
            yield dict(_base(when), updated_at=when,
                       notification_uuid=str(uuid.uuid4()),
                       generated_time=when, source_host_uuid=host,
                       type='COMPUTE_HOST', payload=payload, status=status,
                       failover_segment_uuid=segment_of[host], message=None)

    return insert(engine, 'notifications', rows())


def analyze(engine: sa.engine.Engine) -> None:
    """Fresh planner statistics after a bulk load."""
    if engine.dialect.name in ('postgresql', 'sqlite'):
        with engine.connect() as conn:
            conn.execution_options(isolation_level='AUTOCOMMIT')
            conn.exec_driver_sql('ANALYZE')
