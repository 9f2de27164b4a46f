"""Drills ("จริงหรือหลอก?"): realistic messages, genuine and fake, the learner judges; pure functions only.

- `content`: the pydantic models, the loader and the checks' matching rules (data in curriculum/drills/).
- `render`: a drill as a LINE Flex bubble styled like the real screen, with จริง / หลอก / ไม่แน่ใจ buttons.
- `answers`: read a tapped or typed verdict.
- `feedback`: the Thai messages after an answer, pointing at the exact cue.
- `scoring`: hit rate, false-alarm rate, d′ and balanced accuracy, and the plain Thai summary.
- `selection`: the short daily "ซ้อมจับโกง" set from a learner's drill history.
- `report`: the figures `ruthan content check` prints and the `ruthan content export --json` document.
"""
