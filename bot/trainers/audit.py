"""The audit log: who did what, when, to how many. Every sending action is written here, in the same
transaction as the action itself, so the log and what happened cannot disagree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.storage.trainers import AuditEntry
from bot.trainers.auth import Principal

LINE_GROUP_ACTOR = "LINE group"

# Each action as a trainer reads it in the log, Thai and English.
ACTION_NAMES: dict[str, tuple[str, str]] = {
    "announcement.cancel": ("ยกเลิกประกาศ", "Announcement cancelled"),
    "announcement.edit": ("แก้ไขประกาศ", "Announcement edited"),
    "announcement.queued": ("ตั้งเวลาส่งประกาศ", "Announcement queued"),
    "assignment.create": ("มอบหมายบทเรียน", "Assignment made"),
    "assignment.nudge": ("ส่งข้อความเตือนงาน", "Assignment nudge sent"),
    "assignment.remove": ("ลบงานที่มอบหมาย", "Assignment removed"),
    "class.create": ("สร้างห้องเรียน", "Class created"),
    "group.approve": ("อนุมัติกลุ่ม LINE", "LINE group approved"),
    "group.left": ("บอตออกจากกลุ่ม LINE", "Bot left a LINE group"),
    "group.reject": ("ปฏิเสธกลุ่ม LINE", "LINE group rejected"),
    "group.remove": ("ยกเลิกการเชื่อมกลุ่ม LINE", "LINE group unlinked"),
    "group.request": ("กลุ่ม LINE ขอเชื่อมห้อง", "LINE group asked to link"),
    "trainer.change": ("เปลี่ยนสถานะบัญชีครู", "Trainer account changed"),
    "trainer.create": ("สร้างบัญชีครู", "Trainer account created"),
    "demo.class": ("สร้างห้องเรียนตัวอย่าง", "Demo class created"),
}


def action_name(action: str, lang: str = "th") -> str:
    """The action in the reader's language; an action without a name shows as recorded."""
    pair = ACTION_NAMES.get(action)
    return (pair[1] if lang == "en" else pair[0]) if pair else action


def record(
    session: Session,
    principal: Principal | None,
    action: str,
    summary: str,
    *,
    now: datetime,
    recipients: int | None = None,
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        trainer_id=principal.trainer_id if principal else None,
        actor=(actor or (principal.username if principal else "system"))[:80],
        action=action[:40],
        summary=summary,
        recipients=recipients,
        detail=detail,
        at=now,
    )
    session.add(entry)
    return entry


def entries(
    session: Session, principal: Principal, *, class_ids: set[int], limit: int = 200
) -> list[AuditEntry]:
    """Newest first. An admin sees everything; a trainer their own actions and those on their classes."""
    rows = session.exec(
        select(AuditEntry)
        .order_by(col(AuditEntry.id).desc())
        .limit(limit * 5 if not principal.is_admin else limit)
    )
    if principal.is_admin:
        return list(rows)
    mine = []
    for entry in rows:
        about = set((entry.detail or {}).get("class_ids", []))
        if entry.trainer_id == principal.trainer_id or about & class_ids:
            mine.append(entry)
        if len(mine) >= limit:
            break
    return mine
