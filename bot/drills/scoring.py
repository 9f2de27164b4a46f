"""How well a learner tells a scam from a genuine message: signal-detection figures and a plain Thai summary.

Per learner (or per check, or per class), over the drills answered:

    H  = hit rate          = scams called "หลอก" / scams seen
    F  = false-alarm rate  = genuine messages called "หลอก" / genuine messages seen
    d' = z(H') - z(F')     with the log-linear correction (Hautus 1995):
         H' = (hits + 0.5) / (scams + 1),  F' = (false alarms + 0.5) / (genuine + 1)
         z = the inverse of the standard normal distribution function
    balanced accuracy = (H + (1 - F)) / 2

"ไม่แน่ใจ" counts as not-"หลอก" for both H and F. The figure measures one decision, "this is a scam", and
an unsure answer did not make it: on a scam it is a miss (so answering "ไม่แน่ใจ" to everything scores
H = 0), on a genuine message it is not a false alarm (the learner did not reject the message, and checking
first costs little). Counting "ไม่แน่ใจ" as "หลอก" instead would reward the reflex the issue is about:
always-suspicious would reach H = 1 for free. With this rule both blanket strategies score d' near 0
(always "หลอก": H = F = 1; always "ไม่แน่ใจ" or always "จริง": H = F = 0), and balanced accuracy 0.5.
Unsure answers are still counted and reported, since "stop and check" is a habit the course teaches.

The correction keeps d' finite when a rate is 0 or 1 (always the case on an 8-item check) and pulls
small samples gently towards 0; balanced accuracy uses the raw rates, so it reads as "how often right".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

from bot.drills.answers import Verdict
from bot.drills.content import CheckKind, Drill, DrillBank

_Z = NormalDist().inv_cdf


@dataclass(frozen=True)
class Answer:
    """One judged drill: was the message genuine, and what did the learner say."""

    genuine: bool
    verdict: Verdict


@dataclass(frozen=True)
class Score:
    scams: int
    hits: int
    genuine: int
    false_alarms: int
    unsure: int

    @classmethod
    def of(cls, answers: Iterable[Answer]) -> Score:
        scams = hits = genuine = false_alarms = unsure = 0
        for a in answers:
            called_scam = a.verdict is Verdict.SCAM
            unsure += a.verdict is Verdict.UNSURE
            if a.genuine:
                genuine += 1
                false_alarms += called_scam
            else:
                scams += 1
                hits += called_scam
        return cls(scams, hits, genuine, false_alarms, unsure)

    @property
    def answered(self) -> int:
        return self.scams + self.genuine

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.scams if self.scams else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.genuine if self.genuine else None

    @property
    def correct_rejections(self) -> int:
        """Genuine messages not called a scam (including "ไม่แน่ใจ")."""
        return self.genuine - self.false_alarms

    @property
    def d_prime(self) -> float | None:
        """z(H') - z(F') with the log-linear correction; None until both kinds have been seen."""
        if not self.scams or not self.genuine:
            return None
        h = (self.hits + 0.5) / (self.scams + 1)
        f = (self.false_alarms + 0.5) / (self.genuine + 1)
        return _Z(h) - _Z(f)

    @property
    def balanced_accuracy(self) -> float | None:
        if self.hit_rate is None or self.false_alarm_rate is None:
            return None
        return (self.hit_rate + (1 - self.false_alarm_rate)) / 2

    def summary_th(self) -> str:
        """The learner's figures in plain Thai: "จับของปลอมได้ 7 ใน 8 และไม่ตกใจกับของจริง 5 ใน 6"."""
        parts = []
        if self.scams:
            parts.append(f"จับของปลอมได้ {self.hits} ใน {self.scams}")
        if self.genuine:
            parts.append(f"ไม่ตกใจกับของจริง {self.correct_rejections} ใน {self.genuine}")
        if not parts:
            return "ยังไม่ได้ฝึกจับโกงเลยค่ะ"
        return " และ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """The figures for the CSV, the API and the dashboard (rates rounded to 3 places)."""

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 3)

        return {
            "scams": self.scams,
            "hits": self.hits,
            "genuine": self.genuine,
            "false_alarms": self.false_alarms,
            "unsure": self.unsure,
            "hit_rate": r(self.hit_rate),
            "false_alarm_rate": r(self.false_alarm_rate),
            "d_prime": r(self.d_prime),
            "balanced_accuracy": r(self.balanced_accuracy),
        }


def score(answers: Iterable[Answer]) -> Score:
    return Score.of(answers)


def per_cue(judged: Iterable[tuple[Drill, Verdict]]) -> dict[str, Score]:
    """A score per cue ID, for trainers: each drill counts towards every cue it lists.

    A scam cue's score has only scams (its hit rate says how often that sign was caught); a trust cue's has
    only genuine messages (its false-alarm rate says how often that kind of real message was rejected).
    """
    by_cue: dict[str, list[Answer]] = defaultdict(list)
    for drill, verdict in judged:
        for cue in drill.cues:
            by_cue[cue].append(Answer(drill.genuine, verdict))
    return {cue: Score.of(answers) for cue, answers in sorted(by_cue.items())}


def check_score(bank: DrillBank, track: str, kind: CheckKind, verdicts: Mapping[str, Verdict]) -> Score:
    """The score of one placement or final check, from the learner's verdicts by drill ID (skipped items
    are left out, so a learner who stops half-way still gets figures for what they answered)."""
    return Score.of(Answer(d.genuine, verdicts[d.id]) for d in bank.check(track, kind) if d.id in verdicts)
