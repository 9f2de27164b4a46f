"""Quiz honesty: can a learner pass a track's quizzes without knowing anything, by a simple strategy?

Issue 14 found that always picking the most cautious-sounding option scored 100%: the quizzes trained the
reflex "say no" instead of telling a scam from a genuine message. This audit scores, per track, the strategies
a learner who knows nothing could follow, and `ruthan content check` fails when one of them beats
MAX_STRATEGY_SCORE in any track.

The figures, over a track's `choice` questions (true/false options are only ถูก/ผิด, so neither strategy
applies to them; they are reported apart):

- always-cautious: pick the option with the most caution markers (CAUTION_MARKERS below, matched as whole
  words after pythainlp's newmm word segmentation, so "รอ" is not found inside "กรอก").
- always-longest: pick the option with the most characters. Its mirror, always-shortest, is reported too:
  an author fixing "the right answer is the longest" can overshoot into "the right answer is the shortest".
- guessing: pick any option at random (the mean of 1/options).
- go-ahead share: of all the track's questions, those whose right answer is "this one is genuine, go ahead"
  (authors mark them `go_ahead: true`), so the track does not teach that everything is a scam.

Ties. When several options share the top count, the strategy cannot tell them apart, so we score it as a
learner following it would fare: picking one of the k tied options at random, 1/k if the right answer is
among them, else 0. Counting a tie as a miss would let an author pass the check by sprinkling "ไม่" into
every option without making the quiz any harder; counting it as a hit would fail a quiz whose options are
all careful-sounding, which is exactly the quiz we want (several plausible careful moves, only one right).
The report also shows the figure if the strategy won every tie, as an upper bound for authors to watch.

The lexicon is deliberately broad: a marker that sounds careful makes the check stricter, never looser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from pythainlp.tokenize import word_tokenize

from bot.content import Content, Question, Track

# A strategy that needs no knowledge must not pass: above this share of right answers the check fails.
MAX_STRATEGY_SCORE = 0.5

# Words that make an option sound careful, grouped by the move they suggest. Keep it broad (see above).
CAUTION_MARKERS: tuple[str, ...] = (
    # refuse, stop, cut off
    "ไม่",
    "อย่า",
    "ห้าม",
    "หยุด",
    "วางสาย",
    "ปฏิเสธ",
    "ยกเลิก",
    "ปิด",
    # remove, block
    "ลบ",
    "บล็อก",
    # check, ask, verify
    "ระวัง",
    "ตรวจสอบ",
    "ตรวจ",
    "เช็ก",
    "เช็ค",
    "ยืนยัน",
    "ถาม",
    "โทรถาม",
    "โทรหา",
    "โทรกลับ",
    "ปรึกษา",
    # report, freeze, protect
    "แจ้ง",
    "แจ้งความ",
    "รายงาน",
    "ระงับ",
    "อายัด",
    "ปลอดภัย",
    "เปลี่ยนรหัส",
    "เปลี่ยนรหัสผ่าน",
    # the trusted people an answer sends the learner to
    "ลูกหลาน",
    "ครู",
    "พ่อแม่",
    "ผู้ปกครอง",
    "ผู้ใหญ่",
)


@cache
def _words(text: str) -> tuple[str, ...]:
    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=False))


@cache
def _marker_words() -> tuple[tuple[str, ...], ...]:
    # Longest first, so "แจ้งความ" is one marker, not "แจ้ง" plus a leftover.
    return tuple(sorted({_words(marker) for marker in CAUTION_MARKERS}, key=len, reverse=True))


def caution_count(text: str) -> int:
    """How many caution markers `text` holds, as whole words, each word counted at most once."""
    words = _words(text)
    count = position = 0
    while position < len(words):
        for marker in _marker_words():
            if words[position : position + len(marker)] == marker:
                count += 1
                position += len(marker)
                break
        else:
            position += 1
    return count


def strategy_score(values: Sequence[int], answer: int) -> tuple[float, float]:
    """The expected score of picking the option with the highest value, ties split at random, and the score
    if the strategy won every tie."""
    top = max(values)
    tied = [index for index, value in enumerate(values) if value == top]
    if answer not in tied:
        return 0.0, 0.0
    return 1 / len(tied), 1.0


@dataclass(frozen=True)
class TrackAudit:
    """How simple strategies fare on one track's quizzes (shares between 0 and 1)."""

    track_id: str
    questions: int
    choice_questions: int
    cautious: float
    cautious_wins_ties: float
    longest: float
    shortest: float
    guess: float
    go_ahead: float
    true_false: int
    true_false_one_answer: float  # the better of always ถูก / always ผิด

    def problems(self) -> list[str]:
        found = []
        for name, score in (("always-cautious", self.cautious), ("always-longest", self.longest)):
            if score > MAX_STRATEGY_SCORE:
                found.append(
                    f"track '{self.track_id}': {name} scores {score:.0%} of {self.choice_questions} choice "
                    f"questions (at most {MAX_STRATEGY_SCORE:.0%}): rewrite options so the right answer "
                    f"is not the only careful-sounding or the longest one"
                )
        return found

    def line(self) -> str:
        return (
            f"{self.track_id}: {self.choice_questions} choice questions: always-cautious {self.cautious:.0%} "
            f"({self.cautious_wins_ties:.0%} if it won every tie), always-longest {self.longest:.0%}, "
            f"always-shortest {self.shortest:.0%}, guessing {self.guess:.0%}; {self.true_false} true/false "
            f"(one answer always: {self.true_false_one_answer:.0%}); "
            f"go-ahead answers {self.go_ahead:.0%} of {self.questions}"
        )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _scores(questions: Sequence[Question], measure: Callable[[str], int]) -> tuple[list[float], list[float]]:
    pairs = [strategy_score([measure(o.text) for o in q.options], q.answer) for q in questions]
    return [split for split, _ in pairs], [won for _, won in pairs]


def audit_track(content: Content, track: Track) -> TrackAudit:
    """Score the strategies on the questions of the track's modules."""
    questions = [q for lesson in content.lessons_of(track) for q in lesson.questions]
    choice = [q for q in questions if q.kind == "choice"]
    true_false = [q for q in questions if q.kind == "true_false"]
    cautious, cautious_won = _scores(choice, caution_count)
    longest, _ = _scores(choice, len)
    shortest, _ = _scores(choice, lambda text: -len(text))
    says_true = sum(q.answer == 0 for q in true_false)
    return TrackAudit(
        track_id=track.id,
        questions=len(questions),
        choice_questions=len(choice),
        cautious=_mean(cautious),
        cautious_wins_ties=_mean(cautious_won),
        longest=_mean(longest),
        shortest=_mean(shortest),
        guess=_mean([1 / len(q.options) for q in choice]),
        go_ahead=_mean([float(q.go_ahead) for q in questions]),
        true_false=len(true_false),
        true_false_one_answer=max(says_true, len(true_false) - says_true) / len(true_false)
        if true_false
        else 0,
    )


def audit(content: Content) -> list[TrackAudit]:
    """One audit per track, in the order of tracks.yaml."""
    return [audit_track(content, track) for track in content.tracks.values()]
