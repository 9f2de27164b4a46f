"""What a signed-in trainer may do: the one service behind the JSON API (bot/web/api.py) and the pages
(bot/web/admin.py), so that both enforce the same rules. A trainer sees and changes only their own classes,
an admin all of them; another trainer's class is "not found".

It returns rows (storage rows and the dashboard's dataclasses); the web layer derives its schemas from them.
Errors are `TrainerError`s carrying the HTTP status the web layer answers with; nothing here knows FastAPI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session, col, delete, select

from bot.gateway import LineApiError
from bot.learning import certificates
from bot.printing import certificate as certificate_art
from bot.printing import poster
from bot.storage.db import session_scope
from bot.storage.games import ClassGame, GameStatus
from bot.storage.trainers import (
    AssignmentKind,
    AuditEntry,
    ClassGroup,
    Classroom,
    Role,
    Trainer,
    TrainerSession,
)
from bot.trainers import assignments, audit, auth, classes, dashboard, games, trainer_line
from bot.trainers.auth import Principal

if TYPE_CHECKING:
    from bot.services import Services

T = TypeVar("T")


class TrainerError(Exception):
    """A request the rules refuse: `status` is the HTTP status that says why (404, 409, 422)."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


class NotFound(TrainerError):
    def __init__(self, detail: str):
        super().__init__(404, detail)


class Conflict(TrainerError):
    def __init__(self, detail: str):
        super().__init__(409, detail)


class Invalid(TrainerError):
    def __init__(self, detail: str):
        super().__init__(422, detail)


class TrainerService:
    """The trainers' use cases, run in one transaction each on the services' database threads."""

    def __init__(self, services: Services):
        self.services = services
        self.settings = services.settings

    def _now(self) -> Any:
        return self.services.clock.now()

    async def _tx(self, work: Callable[..., T], *args: Any) -> T:
        engine = self.services.engine

        def transaction() -> T:
            with session_scope(engine) as session:
                return work(session, *args)

        return await self.services.database.run(transaction)

    # ----- classes --------------------------------------------------------------------------------------

    async def summaries(self, principal: Principal) -> list[dashboard.ClassSummary]:
        now, zone = self._now(), self.settings.zone

        def work(session: Session) -> list[dashboard.ClassSummary]:
            visible = classes.visible_classes(session, principal)
            owners = {id: name for id, name in session.exec(select(Trainer.id, Trainer.display_name)) if id}
            return dashboard.summaries(session, visible, owners, now, zone)

        return await self._tx(work)

    async def create_class(self, principal: Principal, name: str) -> dashboard.ClassSummary:
        now = self._now()

        def work(session: Session) -> dashboard.ClassSummary:
            classroom = classes.create(session, principal, name=name, now=now)
            audit.record(
                session,
                principal,
                "class.create",
                f"Created class {classroom.name} ({classroom.code})",
                now=now,
                detail={"class_ids": [classroom.id]},
            )
            return dashboard.ClassSummary(
                classroom.id or 0, classroom.name, classroom.code, principal.display_name, 0, 0, 0
            )

        return await self._tx(work)

    async def visible(self, principal: Principal, class_id: int) -> Classroom:
        try:
            return await self._tx(classes.get_visible, principal, class_id)
        except classes.NotVisible:
            raise NotFound("No such class") from None

    async def report(self, principal: Principal, class_id: int) -> dashboard.ClassReport:
        classroom = await self.visible(principal, class_id)
        content, now, zone = self.services.content, self._now(), self.settings.zone
        return await self._tx(dashboard.class_report, content, classroom, now, zone)

    async def learner(self, principal: Principal, class_id: int, learner_id: int) -> dashboard.LearnerDetail:
        """One learner of a class the caller may see; a learner of another class is "not found"."""
        classroom = await self.visible(principal, class_id)
        content, now, zone = self.services.content, self._now(), self.settings.zone
        detail = await self._tx(dashboard.learner_detail, content, classroom, learner_id, now, zone)
        if detail is None:
            raise NotFound("No such learner in this class")
        return detail

    def qr_png(self, classroom: Classroom) -> bytes:
        links = classes.links(self.settings.line_bot_basic_id, classroom.code)
        if links.chat_url is None:
            raise Conflict("Set LINE_BOT_BASIC_ID (the bot's LINE ID, e.g. @ruthan) to make QR codes")
        return classes.qr_png(links.chat_url)

    # ----- certificates and the class poster (issue 18) ------------------------------------------------

    async def certificates_pdf(self, principal: Principal, class_id: int) -> bytes | None:
        """The class's certificates, one A4 page each; None when no member has one yet."""
        classroom = await self.visible(principal, class_id)
        rows = await self._tx(certificates.of_class, classroom.id or 0)
        if not rows:
            return None
        printed = [certificate_art.Printed.of(row, self.services.site) for row in rows]
        logo, title = self.settings.ruthan_org_logo, f"{classroom.name} ({classroom.code})"
        return await asyncio.to_thread(certificate_art.class_pdf, printed, logo, title=title)

    async def poster_pdf(self, principal: Principal, class_id: int) -> bytes:
        """The class's invite poster (A4): the bot's name, the join QR code, the code, three steps."""
        classroom = await self.visible(principal, class_id)
        basic_id = self.settings.line_bot_basic_id
        links = classes.links(basic_id, classroom.code)
        if links.chat_url is None or basic_id is None:
            raise Conflict("Set LINE_BOT_BASIC_ID (the bot's LINE ID, e.g. @ruthan) to make the poster")
        return await asyncio.to_thread(
            poster.poster_pdf,
            bot_name=BOT_NAME,
            class_name=classroom.name,
            code=classroom.code,
            chat_url=links.chat_url,
            basic_id=basic_id if basic_id.startswith("@") else f"@{basic_id}",
        )

    # ----- assignments ----------------------------------------------------------------------------------

    def assignment_choices(self) -> list[assignments.Choice]:
        return assignments.choices(self.services.content)

    async def class_assignments(self, principal: Principal, class_id: int) -> list[assignments.AssignmentRow]:
        """The class's assignments with who has done each (the class must be visible)."""
        await self.visible(principal, class_id)
        content, today = self.services.content, self._now().astimezone(self.settings.zone).date()
        return await self._tx(assignments.rows, content, class_id, today)

    async def assign(
        self,
        principal: Principal,
        class_id: int,
        *,
        kind: AssignmentKind,
        track_id: str,
        module_id: str,
        due_on: date,
    ) -> assignments.AssignmentRow:
        classroom = await self.visible(principal, class_id)
        content, now = self.services.content, self._now()
        today = now.astimezone(self.settings.zone).date()

        def work(session: Session) -> assignments.AssignmentRow:
            try:
                made = assignments.create(
                    session,
                    content,
                    principal,
                    classroom,
                    kind=kind,
                    track_id=track_id,
                    module_id=module_id,
                    due_on=due_on,
                    today=today,
                    now=now,
                )
            except assignments.AssignmentError as exc:
                raise Invalid(str(exc)) from None
            return next(r for r in assignments.rows(session, content, class_id, today) if r.id == made.id)

        return await self._tx(work)

    async def unassign(self, principal: Principal, class_id: int, assignment_id: int) -> None:
        classroom = await self.visible(principal, class_id)
        try:
            now = self._now()
            await self._tx(
                lambda session: assignments.remove(session, principal, classroom, assignment_id, now=now)
            )
        except assignments.NotFound:
            raise NotFound("No such assignment in this class") from None

    async def nudge(self, principal: Principal, class_id: int, assignment_id: int) -> assignments.Nudged:
        """The one nudge to those who have not done it; a second call sends nothing and says when it went."""
        classroom = await self.visible(principal, class_id)
        content, now, zone = self.services.content, self._now(), self.settings.zone
        remaining = await self._quota_left()

        def work(session: Session) -> assignments.Nudged:
            return assignments.nudge(
                session, content, principal, classroom, assignment_id, now=now, zone=zone, remaining=remaining
            )

        try:
            nudged = await self._tx(work)
        except assignments.NotFound:
            raise NotFound("No such assignment in this class") from None
        except assignments.OverQuota as exc:
            if self.services.line_account is not None:
                self.services.line_account.forget_quota()  # ask LINE again next time: the plan may change
            raise Conflict(str(exc)) from None
        if nudged.sent and nudged.learners:
            if self.services.line_account is not None:
                self.services.line_account.forget_quota()
            self.services.announcements.deliver_soon()
        return nudged

    async def _quota_left(self) -> int | None:
        """Messages left in this month's LINE quota, when LINE says (None: no limit, or not known)."""
        account = self.services.line_account
        if account is None:
            return None
        try:
            return (await account.quota()).remaining
        except LineApiError:
            return None

    # ----- LINE groups ----------------------------------------------------------------------------------

    async def groups(self, class_id: int) -> list[ClassGroup]:
        """The groups of a class the caller has checked is visible."""
        return await self._tx(classes.groups_of, class_id)

    async def approve_group(self, principal: Principal, classroom: Classroom, group_row: int) -> ClassGroup:
        return await self._tx(_approve_link, principal, classroom, group_row, self._now())

    async def unlink_group(self, principal: Principal, classroom: Classroom, group_row: int) -> bool:
        """Unlink a group, or reject its request; True if it was linked."""
        return await self._tx(_unlink_group, principal, classroom, group_row, self._now())

    # ----- the trainer's LINE account and class games (issue 18) ----------------------------------------

    async def line_account(self, principal: Principal) -> Trainer:
        """The signed-in trainer's row: whether their LINE account is linked, and any code waiting."""
        return await self._tx(_trainer_of, principal)

    async def new_line_code(self, principal: Principal) -> Trainer:
        """A fresh one-time code ("รหัสครู ...") to type to the bot from the trainer's own LINE account."""
        now = self._now()

        def work(session: Session) -> Trainer:
            trainer = _trainer_of(session, principal)
            trainer_line.new_link_code(session, trainer, now)
            return trainer

        return await self._tx(work)

    async def unlink_line(self, principal: Principal) -> None:
        now = self._now()

        def work(session: Session) -> None:
            trainer = _trainer_of(session, principal)
            if trainer.line_user_id:
                audit.record(session, principal, "trainer.line_unlink", "Unlinked LINE", now=now)
            trainer_line.unlink_account(session, trainer)

        await self._tx(work)

    async def class_games(self, class_id: int) -> list[games.GameSummary]:
        """The games played in a class the caller has checked is visible, newest first."""
        return await self._tx(games.summaries, class_id)

    async def prepare_game(
        self,
        principal: Principal,
        classroom: Classroom,
        *,
        group_row: int,
        source: str = games.MIX,
        count: int = games.DEFAULT_ITEMS,
        timed: bool = True,
        teams: int = 0,
    ) -> ClassGame:
        """A game waiting in a linked group: the first question appears when the trainer types "ข้อต่อไป"
        (or "เริ่มเกม") there. Nothing is pushed: the trainer's message gives the reply token."""
        now, content = self._now(), self.services.content

        def work(session: Session) -> ClassGame:
            group = session.get(ClassGroup, group_row)
            if group is None or group.class_id != classroom.id or group.approved_at is None:
                raise NotFound("No such linked group in this class")
            if games.current_game(session, group.group_id) is not None:
                raise Conflict("A game is already waiting or being played in this group; end it first")
            items = games.pick_items(content, source, count)
            if not items:
                raise Invalid("source: no questions to play")
            game = games.prepare(
                session,
                classroom=classroom,
                group_id=group.group_id,
                trainer_id=principal.trainer_id,
                items=items,
                timed=timed,
                teams=teams,
                now=now,
            )
            audit.record(
                session,
                principal,
                "game.prepare",
                f"Prepared a game for a LINE group of class {classroom.name}",
                now=now,
                detail={"class_ids": [classroom.id], "game_id": game.id, "group_id": group.group_id},
            )
            return game

        return await self._tx(work)

    async def end_game(self, principal: Principal, classroom: Classroom, game_id: int) -> None:
        """End a game from the page (no podium is sent: there is no reply token)."""
        now = self._now()

        def work(session: Session) -> None:
            game = session.get(ClassGame, game_id)
            if game is None or game.class_id != classroom.id:
                raise NotFound("No such game in this class")
            if game.status is not GameStatus.ENDED:
                games.end(session, game, now)

        await self._tx(work)

    # ----- trainers and audit ---------------------------------------------------------------------------

    async def trainers(self) -> list[Trainer]:
        def work(session: Session) -> list[Trainer]:
            return list(session.exec(select(Trainer).order_by(col(Trainer.id))))

        return await self._tx(work)

    async def create_trainer(
        self, principal: Principal, *, username: str, display_name: str, password: str, role: Role
    ) -> Trainer:
        now, passwords = self._now(), self.services.passwords
        try:
            auth.check_new_account(username, password)
        except auth.AccountError as exc:
            raise Invalid(str(exc)) from None
        password_hash = await passwords.run(passwords.hash, password)

        def work(session: Session) -> Trainer:
            trainer = auth.create_trainer(
                session,
                username=username,
                password=password,
                display_name=display_name,
                role=role,
                now=now,
                passwords=passwords,
                password_hash=password_hash,
            )
            audit.record(
                session,
                principal,
                "trainer.create",
                f"Created {trainer.role.value} {trainer.username}",
                now=now,
            )
            return trainer

        try:
            return await self._tx(work)
        except auth.AccountError as exc:
            raise Invalid(str(exc)) from None

    async def change_trainer(
        self, principal: Principal, trainer_id: int, *, active: bool | None, unlock: bool
    ) -> Trainer:
        return await self._tx(_update_trainer, principal, trainer_id, active, unlock, self._now())

    async def audit_entries(self, principal: Principal) -> list[AuditEntry]:
        def work(session: Session) -> list[AuditEntry]:
            mine = {c.id for c in classes.visible_classes(session, principal)}
            return list(audit.entries(session, principal, class_ids={i for i in mine if i is not None}))

        return await self._tx(work)


def _trainer_of(session: Session, principal: Principal) -> Trainer:
    trainer = session.get(Trainer, principal.trainer_id)
    if trainer is None:
        raise NotFound("No such trainer")
    return trainer


BOT_NAME = "รู้ทัน"


def _approve_link(
    session: Session, principal: Principal, classroom: Classroom, group_row: int, now: Any
) -> ClassGroup:
    try:
        row = classes.approve_group(session, classroom=classroom, group_row=group_row, now=now)
    except LookupError:
        raise NotFound("No such group waiting in this class") from None
    except classes.ClassFull:
        raise Conflict(
            f"The class already has {classes.MAX_GROUPS_PER_CLASS} groups; unlink one first"
        ) from None
    audit.record(
        session,
        principal,
        "group.approve",
        f"Approved a LINE group for class {classroom.name}",
        now=now,
        detail={"class_ids": [classroom.id], "group_id": row.group_id},
    )
    return row


def _unlink_group(
    session: Session, principal: Principal, classroom: Classroom, group_row: int, now: Any
) -> bool:
    row = session.exec(
        select(ClassGroup).where(col(ClassGroup.id) == group_row, col(ClassGroup.class_id) == classroom.id)
    ).first()
    if row is None:
        raise NotFound("No such group in this class")
    session.delete(row)
    action, summary = (
        ("group.remove", f"Unlinked a LINE group from class {classroom.name}")
        if row.approved_at
        else ("group.reject", f"Rejected a LINE group's request for class {classroom.name}")
    )
    audit.record(
        session,
        principal,
        action,
        summary,
        now=now,
        detail={"class_ids": [classroom.id], "group_id": row.group_id},
    )
    return row.approved_at is not None


def _update_trainer(
    session: Session, principal: Principal, trainer_id: int, active: bool | None, unlock: bool, now: Any
) -> Trainer:
    trainer = session.get(Trainer, trainer_id)
    if trainer is None:
        raise NotFound("No such trainer")
    if active is False and trainer.id == principal.trainer_id:
        raise Conflict("You cannot disable your own account")
    done = []
    if active is not None and active != trainer.active:
        trainer.active = active
        done.append("enabled" if active else "disabled")
        if not active:
            session.exec(delete(TrainerSession).where(col(TrainerSession.trainer_id) == trainer.id))
    if unlock and (trainer.locked_until or trainer.failed_logins):
        trainer.locked_until, trainer.failed_logins = None, 0
        done.append("unlocked")
    session.add(trainer)
    if done:
        audit.record(session, principal, "trainer.change", f"{trainer.username}: {', '.join(done)}", now=now)
    return trainer
