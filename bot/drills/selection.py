"""The short daily "ซ้อมจับโกง" set: a few drills chosen from the learner's drill history, as a pure function.

Rules, in order:
1. Only the track's practice drills: final-check items are never shown before the final check.
2. Not recently seen: drills answered in the last `recent_days` are left out while enough others remain;
   when the track runs short, the longest-unseen come back first.
3. Always a mix: at least one genuine and one scam message in any set of two or more, so the set can never be
   passed by answering "หลอก" to everything.
4. Weighted to the learner's weak cues: each cue's weakness is (misses + 1) / (seen + 2) (a Laplace estimate:
   an unseen cue counts 0.5); a miss is a wrong verdict, and "ไม่แน่ใจ" counts half. A drill weighs as much as
   its weakest cue, so a learner who keeps missing look-alike domains meets more of them.
5. Deterministic: the random draw is seeded with the learner's seed and the date, so a retry, a second worker
   or a test gets the same set.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.drills.answers import Verdict
from bot.drills.content import Drill, DrillBank

DAILY_SIZE = 3
RECENT_DAYS = 14


@dataclass(frozen=True)
class Attempt:
    """One drill the learner judged, and when."""

    drill_id: str
    verdict: Verdict
    at: datetime


def cue_weakness(bank: DrillBank, history: Iterable[Attempt]) -> dict[str, float]:
    """Per cue ID, the estimated share of misses: (misses + 1) / (seen + 2)."""
    seen: dict[str, float] = defaultdict(float)
    missed: dict[str, float] = defaultdict(float)
    for attempt in history:
        drill = bank.get(attempt.drill_id)
        if drill is None:
            continue
        if attempt.verdict is Verdict.UNSURE:
            miss = 0.5
        else:
            miss = 0.0 if attempt.verdict.value == drill.verdict else 1.0
        for cue in drill.cues:
            seen[cue] += 1
            missed[cue] += miss
    return {cue: (missed[cue] + 1) / (seen[cue] + 2) for cue in set(bank.cues) | set(seen)}


def daily_set(
    bank: DrillBank,
    track: str,
    history: Sequence[Attempt],
    *,
    today: date,
    seed: str,
    size: int = DAILY_SIZE,
    recent_days: int = RECENT_DAYS,
) -> list[Drill]:
    """Up to `size` drills for today, genuine and scam mixed, fresh first, weighted to weak cues."""
    pool = bank.in_track(track, practice=True)
    if not pool or size <= 0:
        return []
    last_seen: dict[str, datetime] = {}
    for attempt in history:
        if attempt.drill_id not in last_seen or attempt.at > last_seen[attempt.drill_id]:
            last_seen[attempt.drill_id] = attempt.at
    cutoff = today - timedelta(days=recent_days)
    fresh = [d for d in pool if d.id not in last_seen or last_seen[d.id].date() < cutoff]
    # Running short (or missing a kind): bring back the longest-unseen drills until the set can be made.
    for drill in sorted((d for d in pool if d not in fresh), key=lambda d: (last_seen[d.id], d.id)):
        if len(fresh) < size or drill.genuine not in {d.genuine for d in fresh}:
            fresh.append(drill)
    weakness = cue_weakness(bank, history)
    rng = random.Random(f"{seed}:{today.isoformat()}")

    def weight(drill: Drill) -> float:
        return max(weakness.get(cue, 0.5) for cue in drill.cues)

    def draw(candidates: list[Drill]) -> Drill | None:
        if not candidates:
            return None
        return rng.choices(candidates, weights=[weight(d) for d in candidates], k=1)[0]

    chosen: list[Drill] = []
    if size >= 2:
        for genuine in (False, True):
            pick = draw([d for d in fresh if d.genuine is genuine])
            if pick is not None:
                chosen.append(pick)
    while len(chosen) < size:
        pick = draw([d for d in fresh if d not in chosen])
        if pick is None:
            break
        chosen.append(pick)
    rng.shuffle(chosen)  # the genuine one is not always second
    return chosen
