"""Drill figures for `ruthan content check`, and the `ruthan content export --json` document."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.content import Content
from bot.drills.content import genuine_share

# Under this share of genuine drills, a track would train "say หลอก" again: `content check` fails.
MIN_GENUINE_SHARE = 0.30
# Each module should have at least this many practice drills (one genuine, one scam where it makes sense).
MIN_DRILLS_PER_MODULE = 2


def drill_figures(content: Content) -> dict[str, Any]:
    """Per track: drill count, genuine share, cues covered, kinds, and modules short of drills."""
    bank = content.drills
    tracks: dict[str, Any] = {}
    for track in content.tracks.values():
        drills = bank.in_track(track.id)
        cues = Counter(c for d in drills for c in d.cues)
        thin = [m for m in track.modules if len(bank.in_module(m, track=track.id)) < MIN_DRILLS_PER_MODULE]
        sets = bank.checks.get(track.id)
        tracks[track.id] = {
            "drills": len(drills),
            "genuine": sum(d.genuine for d in drills),
            "genuine_share": round(genuine_share(drills), 3),
            "scam_cues": sorted(c for c in cues if bank.cues.get(c) and bank.cues[c].kind == "scam"),
            "trust_cues": sorted(c for c in cues if bank.cues.get(c) and bank.cues[c].kind == "trust"),
            "kinds": dict(sorted(Counter(d.kind.value for d in drills).items())),
            "difficulty": dict(sorted(Counter(d.difficulty for d in drills).items())),
            "check_items": len(sets.placement) if sets else 0,
            "modules_without_enough_drills": thin,
        }
    return {
        "drills": len(bank),
        "genuine": sum(d.genuine for d in bank.drills.values()),
        "genuine_share": round(genuine_share(bank.drills.values()), 3),
        "cues": len(bank.cues),
        "tracks": tracks,
    }


def drill_problems(content: Content) -> list[str]:
    """What makes `content check` fail: a track whose drills are under 30% genuine."""
    if not len(content.drills):
        return []
    problems = []
    for track_id, figures in drill_figures(content)["tracks"].items():
        if figures["drills"] == 0:
            problems.append(f"track '{track_id}': no drills (curriculum/drills/)")
        elif figures["genuine_share"] < MIN_GENUINE_SHARE:
            problems.append(
                f"track '{track_id}': only {figures['genuine']} of {figures['drills']} drills are genuine "
                f"({figures['genuine_share']:.0%}); at least {MIN_GENUINE_SHARE:.0%} must be, or learners "
                "are trained to call everything a scam"
            )
    return problems


def drill_report_lines(content: Content) -> list[str]:
    """The lines `content check` prints, one per track, plus warnings for modules short of drills."""
    if not len(content.drills):
        return []
    figures = drill_figures(content)
    lines = [
        f"Drills: {figures['drills']}, {figures['genuine']} genuine ({figures['genuine_share']:.0%}), "
        f"{figures['cues']} cues in the vocabulary."
    ]
    for track_id, t in figures["tracks"].items():
        lines.append(
            f"  {track_id}: {t['drills']} drills, {t['genuine']} genuine ({t['genuine_share']:.0%}), "
            f"{len(t['scam_cues'])} scam cues and {len(t['trust_cues'])} trust cues covered, "
            f"checks of {t['check_items']} items"
        )
        if t["modules_without_enough_drills"]:
            lines.append(
                f"  warning: {track_id}: modules with fewer than {MIN_DRILLS_PER_MODULE} practice drills: "
                + ", ".join(t["modules_without_enough_drills"])
            )
    return lines


def export_document(content: Content) -> dict[str, Any]:
    """Every track, module card, question and drill as one JSON-ready document for outside review."""
    bank = content.drills
    return {
        "format": "ruthan-content-export",
        "version": 1,
        "tracks": [
            {"id": t.id, "title": t.title, "audience": t.audience.value, "modules": list(t.modules)}
            for t in content.tracks.values()
        ],
        "modules": [
            {
                "id": lesson.module.id,
                "title": lesson.module.title,
                "summary": lesson.module.summary,
                "cards": [c.text for c in lesson.module.cards],
                "sources": [s.model_dump() for s in lesson.module.sources],
                "questions": [
                    {
                        "id": q.id,
                        "kind": q.kind,
                        "prompt": q.prompt,
                        "options": [o.text for o in q.options],
                        "correct": q.answer,
                        "explanation": q.explanation,
                        "skill": q.skill,
                        "scenario": q.scenario,
                        "sources": [s.model_dump() for s in lesson.module.sources],
                    }
                    for q in lesson.questions
                ],
            }
            for lesson in content.lessons.values()
        ],
        "cues": [c.model_dump() for c in bank.cues.values()],
        "drills": [
            {
                "id": d.id,
                "kind": d.kind.value,
                "genuine": d.genuine,
                "tracks": list(d.tracks),
                "modules": list(d.modules),
                "difficulty": d.difficulty,
                "cues": list(d.cues),
                "sender": d.sender,
                "address": d.address,
                "context": d.context,
                "messages": [m.model_dump() for m in d.messages],
                "feedback": d.feedback,
                "tip": d.tip,
                "sources": [s.model_dump(exclude_none=True) for s in d.sources],
            }
            for d in bank.drills.values()
        ],
        "checks": {
            track: {"placement": list(sets.placement), "final": list(sets.final)}
            for track, sets in bank.checks.items()
        },
    }
