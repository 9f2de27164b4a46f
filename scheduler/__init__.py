"""Time and delivery: the periodic jobs that move work forward when no webhook arrives.

- now: the recovery job, which handles inbox events left pending by a crash and re-delivers outbox rows
  whose delivery failed (LINE down, reply token expired);
- next (the reminders issue): the reminder sweep and spaced review, which write due messages into the same
  outbox, and a delivery worker that drains it with multicast and push.

Jobs carry no state and no pickled objects: each run reads what is due from the database, so the schedule
is rebuilt from the database whenever a process starts.
"""

from scheduler.jobs import start_jobs

__all__ = ["start_jobs"]
