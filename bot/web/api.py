"""The JSON API behind the dashboard (/api/v1), documented at /docs. Same rules as the pages: a trainer sees
and messages only their own classes, an admin all of them; another trainer's class answers 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, delete, select

from bot.storage.trainers import ClassGroup, Classroom, Role, Trainer, TrainerSession
from bot.trainers import audit, auth, classes, dashboard
from bot.trainers.auth import LoginOutcome, Principal
from bot.web import deps
from bot.web.deps import ApiAdmin, ApiTrainer, in_session

router = APIRouter(prefix="/api/v1", tags=["trainers"])


# ----- models -----------------------------------------------------------------------------------------------


class TrainerOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class SessionOut(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`")
    expires_in_minutes: int
    trainer: TrainerOut


class NewTrainer(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=80)
    password: str = Field(min_length=auth.MIN_PASSWORD, max_length=200)
    role: Role = Role.TRAINER


class TrainerChange(BaseModel):
    active: bool | None = Field(default=None, description="false disables the account (and its sessions)")
    unlock: bool = Field(default=False, description="lift a lock-out after wrong passwords")


class NewClass(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class ClassOut(BaseModel):
    id: int
    name: str
    code: str
    owner: str
    members: int
    active_this_week: int
    groups: int
    join_message: str
    join_url: str | None = Field(description="Opens the bot's chat with the join message ready to send")
    add_friend_url: str | None


class LearnerOut(BaseModel):
    learner_id: int
    name: str
    simulated: bool
    track: str
    modules_done: int
    modules_total: int
    percent_correct: int | None
    last_studied: date | None
    status: str
    joined_at: datetime


class SkillOut(BaseModel):
    skill: str
    name: str
    answered: int
    missed: int
    miss_rate: int


class QuestionOut(BaseModel):
    question_id: str
    module: str
    skill: str
    prompt: str
    answered: int
    missed: int
    miss_rate: int


class ModuleOut(BaseModel):
    module_id: str
    title: str
    done: int
    learners: int


class ReportOut(BaseModel):
    class_id: int
    name: str
    code: str
    members: int
    active_this_week: int
    completion_percent: int
    average_score: int | None
    weakest_skills: list[SkillOut]
    stopped: list[LearnerOut]
    modules: list[ModuleOut]
    activity: list[tuple[date, int]]


class GroupOut(BaseModel):
    id: int
    group_id: str
    registered_at: datetime = Field(description="When someone in the group typed เชื่อมห้อง and the code")
    approved_at: datetime | None = Field(description="None: waiting for the trainer; gets no announcements")


class AuditOut(BaseModel):
    id: int
    actor: str
    action: str
    summary: str
    recipients: int | None
    at: datetime


# ----- session ----------------------------------------------------------------------------------------------


@router.post("/session", response_model=SessionOut, summary="Sign in; returns a bearer token")
async def sign_in(body: Credentials, request: Request) -> Any:
    runtime = deps.runtime_of(request)
    settings = deps.settings_of(request)
    result = await auth.login(
        runtime.db,
        runtime.engine,
        settings,
        username=body.username,
        password=body.password,
        source=deps.client_source(request),
        now=runtime.clock.now(),
        passwords=deps.passwords_of(request),
    )
    if result.outcome is LoginOutcome.OK and result.principal and result.token:
        p = result.principal
        return SessionOut(
            token=result.token,
            expires_in_minutes=settings.session_idle_minutes,
            trainer=TrainerOut(
                id=p.trainer_id, username=p.username, display_name=p.display_name, role=p.role
            ),
        )
    wait = int(result.retry_after.total_seconds()) if result.retry_after else None
    headers = {"Retry-After": str(wait)} if wait else None
    if result.outcome is LoginOutcome.THROTTLED:
        raise HTTPException(
            429, "Too many failed sign-ins from this address; try again later", headers=headers
        )
    if result.outcome is LoginOutcome.LOCKED:
        raise HTTPException(
            423, "Account locked after repeated wrong passwords; try again later", headers=headers
        )
    raise HTTPException(401, "Wrong username or password")


@router.delete("/session", status_code=204, summary="Sign out (the token stops working)")
async def sign_out(request: Request, principal: ApiTrainer) -> Response:
    token, _ = deps._token(request)
    runtime = deps.runtime_of(request)
    if token:
        await runtime.db(auth.logout, runtime.engine, token)
    return Response(status_code=204)


@router.get("/me", response_model=TrainerOut, summary="The signed-in trainer")
async def me(principal: ApiTrainer) -> Any:
    return TrainerOut(
        id=principal.trainer_id,
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role,
    )


# ----- classes ----------------------------------------------------------------------------------------------


def class_out(summary: dashboard.ClassSummary, basic_id: str | None) -> ClassOut:
    links = classes.links(basic_id, summary.code)
    return ClassOut(
        id=summary.class_id,
        name=summary.name,
        code=summary.code,
        owner=summary.owner,
        members=summary.members,
        active_this_week=summary.active_this_week,
        groups=summary.groups,
        join_message=links.message,
        join_url=links.chat_url,
        add_friend_url=links.add_friend_url,
    )


def list_summaries(request: Request, principal: Principal) -> Any:
    runtime = deps.runtime_of(request)
    now, zone = runtime.clock.now(), deps.settings_of(request).zone

    def work(session: Session) -> list[dashboard.ClassSummary]:
        visible = classes.visible_classes(session, principal)
        owners = dict(session.exec(select(Trainer.id, Trainer.display_name)).all())
        return dashboard.summaries(session, visible, owners, now, zone)

    return work


@router.get("/classes", response_model=list[ClassOut], summary="Classes this trainer may see")
async def list_classes(request: Request, principal: ApiTrainer) -> Any:
    found = await in_session(request, list_summaries(request, principal))
    basic_id = deps.settings_of(request).line_bot_basic_id
    return [class_out(summary, basic_id) for summary in found]


@router.post(
    "/classes", response_model=ClassOut, status_code=201, summary="Create a class with a new join code"
)
async def create_class(body: NewClass, request: Request, principal: ApiTrainer) -> Any:
    now = deps.runtime_of(request).clock.now()

    def work(session: Session) -> dashboard.ClassSummary:
        classroom = classes.create(session, principal, name=body.name, now=now)
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

    summary = await in_session(request, work)
    return class_out(summary, deps.settings_of(request).line_bot_basic_id)


async def visible(request: Request, principal: Principal, class_id: int) -> Classroom:
    def work(session: Session) -> Classroom:
        return classes.get_visible(session, principal, class_id)

    try:
        return await in_session(request, work)
    except classes.NotVisible:
        raise HTTPException(404, "No such class") from None


async def class_report(request: Request, principal: Principal, class_id: int) -> dashboard.ClassReport:
    classroom = await visible(request, principal, class_id)
    runtime = deps.runtime_of(request)
    zone = deps.settings_of(request).zone
    now = runtime.clock.now()
    return await in_session(request, dashboard.class_report, runtime.content, classroom, now, zone)


def learner_out(row: dashboard.LearnerRow) -> LearnerOut:
    return LearnerOut(
        learner_id=row.learner_id,
        name=row.label,
        simulated=row.simulated,
        track=row.track,
        modules_done=row.modules_done,
        modules_total=row.modules_total,
        percent_correct=row.percent_correct,
        last_studied=row.last_studied,
        status=row.status,
        joined_at=row.joined_at,
    )


def skill_out(row: dashboard.SkillRow, lang: str) -> SkillOut:
    return SkillOut(
        skill=row.skill,
        name=dashboard.skill_name(row.skill, lang),
        answered=row.answered,
        missed=row.missed,
        miss_rate=row.miss_rate,
    )


@router.get("/classes/{class_id}", response_model=ReportOut, summary="A class's progress at a glance")
async def get_class(
    class_id: int,
    request: Request,
    principal: ApiTrainer,
    lang: Annotated[str, Query(pattern="^(th|en)$")] = "th",
) -> Any:
    report = await class_report(request, principal, class_id)
    return ReportOut(
        class_id=report.class_id,
        name=report.name,
        code=report.code,
        members=report.members,
        active_this_week=report.active_this_week,
        completion_percent=report.completion,
        average_score=report.average_score,
        weakest_skills=[skill_out(row, lang) for row in report.weakest_skills],
        stopped=[learner_out(row) for row in report.stopped],
        modules=[ModuleOut(**vars(row)) for row in report.modules],
        activity=report.activity,
    )


@router.get(
    "/classes/{class_id}/learners", response_model=list[LearnerOut], summary="Every learner in the class"
)
async def class_learners(class_id: int, request: Request, principal: ApiTrainer) -> Any:
    report = await class_report(request, principal, class_id)
    return [learner_out(row) for row in report.learners]


@router.get(
    "/classes/{class_id}/questions",
    response_model=list[QuestionOut],
    summary="How often each question is missed",
)
async def class_questions(class_id: int, request: Request, principal: ApiTrainer) -> Any:
    report = await class_report(request, principal, class_id)
    return [QuestionOut(**vars(row), miss_rate=row.miss_rate) for row in report.questions]


@router.get("/classes/{class_id}/export.csv", summary="The class's progress as CSV (opens in Excel)")
async def class_csv(
    class_id: int,
    request: Request,
    principal: ApiTrainer,
    lang: Annotated[str, Query(pattern="^(th|en)$")] = "th",
) -> Response:
    report = await class_report(request, principal, class_id)
    return csv_response(report, lang)


def csv_response(report: dashboard.ClassReport, lang: str) -> Response:
    filename = f"ruthan-class-{report.code}.csv"
    return Response(
        dashboard.csv_export(report, lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def group_out(row: ClassGroup) -> GroupOut:
    return GroupOut(
        id=row.id or 0, group_id=row.group_id, registered_at=row.registered_at, approved_at=row.approved_at
    )


@router.get(
    "/classes/{class_id}/groups",
    response_model=list[GroupOut],
    summary="LINE groups linked to the class, and those waiting for approval",
)
async def class_groups(class_id: int, request: Request, principal: ApiTrainer) -> Any:
    classroom = await visible(request, principal, class_id)

    def work(session: Session) -> list[GroupOut]:
        return [group_out(row) for row in classes.groups_of(session, classroom.id or 0)]

    return await in_session(request, work)


@router.post(
    "/classes/{class_id}/groups/{group_row}/approve",
    response_model=GroupOut,
    summary="Approve a LINE group's request to get the class's announcements",
)
async def approve_group(class_id: int, group_row: int, request: Request, principal: ApiTrainer) -> Any:
    classroom = await visible(request, principal, class_id)
    now = deps.runtime_of(request).clock.now()
    return group_out(await in_session(request, approve_link, principal, classroom, group_row, now))


def approve_link(
    session: Session, principal: Principal, classroom: Classroom, group_row: int, now: datetime
) -> ClassGroup:
    try:
        row = classes.approve_group(session, classroom=classroom, group_row=group_row, now=now)
    except LookupError:
        raise HTTPException(404, "No such group waiting in this class") from None
    except classes.ClassFull:
        raise HTTPException(
            409, f"The class already has {classes.MAX_GROUPS_PER_CLASS} groups; unlink one first"
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


@router.delete(
    "/classes/{class_id}/groups/{group_row}",
    status_code=204,
    summary="Stop sending to a LINE group, or reject its request",
)
async def remove_group(class_id: int, group_row: int, request: Request, principal: ApiTrainer) -> Response:
    classroom = await visible(request, principal, class_id)
    await in_session(
        request, unlink_group, principal, classroom, group_row, deps.runtime_of(request).clock.now()
    )
    return Response(status_code=204)


def unlink_group(
    session: Session, principal: Principal, classroom: Classroom, group_row: int, now: datetime
) -> bool:
    """Unlink a group, or reject its request; True if it was linked."""
    row = session.exec(
        select(ClassGroup).where(col(ClassGroup.id) == group_row, col(ClassGroup.class_id) == classroom.id)
    ).first()
    if row is None:
        raise HTTPException(404, "No such group in this class")
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


@router.get("/classes/{class_id}/qr.png", summary="QR code that opens the bot's chat with the join message")
async def class_qr(class_id: int, request: Request, principal: ApiTrainer) -> Response:
    classroom = await visible(request, principal, class_id)
    return qr_response(request, classroom)


def qr_response(request: Request, classroom: Classroom) -> Response:
    links = classes.links(deps.settings_of(request).line_bot_basic_id, classroom.code)
    if links.chat_url is None:
        raise HTTPException(409, "Set LINE_BOT_BASIC_ID (the bot's LINE ID, e.g. @ruthan) to make QR codes")
    return Response(classes.qr_png(links.chat_url), media_type="image/png")


# ----- trainers and audit -----------------------------------------------------------------------------------


@router.get("/trainers", response_model=list[TrainerOut], summary="Trainer accounts (admin)")
async def list_trainers(request: Request, principal: ApiAdmin) -> Any:
    def work(session: Session) -> list[TrainerOut]:
        rows = session.exec(select(Trainer).order_by(col(Trainer.id)))
        return [
            TrainerOut(id=t.id or 0, username=t.username, display_name=t.display_name, role=t.role)
            for t in rows
        ]

    return await in_session(request, work)


@router.post(
    "/trainers", response_model=TrainerOut, status_code=201, summary="Create a trainer account (admin)"
)
async def create_trainer(body: NewTrainer, request: Request, principal: ApiAdmin) -> Any:
    now = deps.runtime_of(request).clock.now()
    passwords = deps.passwords_of(request)
    try:
        auth.check_new_account(body.username, body.password)
    except auth.AccountError as exc:
        raise HTTPException(422, str(exc)) from None
    password_hash = await passwords.run(passwords.hash, body.password)

    def work(session: Session) -> TrainerOut:
        trainer = auth.create_trainer(
            session,
            username=body.username,
            password=body.password,
            display_name=body.display_name,
            role=body.role,
            now=now,
            passwords=passwords,
            password_hash=password_hash,
        )
        audit.record(
            session, principal, "trainer.create", f"Created {trainer.role.value} {trainer.username}", now=now
        )
        return TrainerOut(
            id=trainer.id or 0,
            username=trainer.username,
            display_name=trainer.display_name,
            role=trainer.role,
        )

    try:
        return await in_session(request, work)
    except auth.AccountError as exc:
        raise HTTPException(422, str(exc)) from None


@router.patch(
    "/trainers/{trainer_id}", response_model=TrainerOut, summary="Disable, enable or unlock (admin)"
)
async def change_trainer(trainer_id: int, body: TrainerChange, request: Request, principal: ApiAdmin) -> Any:
    now = deps.runtime_of(request).clock.now()
    return await in_session(request, update_trainer, principal, trainer_id, body, now)


def update_trainer(
    session: Session, principal: Principal, trainer_id: int, change: TrainerChange, now: datetime
) -> TrainerOut:
    trainer = session.get(Trainer, trainer_id)
    if trainer is None:
        raise HTTPException(404, "No such trainer")
    if change.active is False and trainer.id == principal.trainer_id:
        raise HTTPException(409, "You cannot disable your own account")
    done = []
    if change.active is not None and change.active != trainer.active:
        trainer.active = change.active
        done.append("enabled" if change.active else "disabled")
        if not change.active:
            session.exec(delete(TrainerSession).where(col(TrainerSession.trainer_id) == trainer.id))
    if change.unlock and (trainer.locked_until or trainer.failed_logins):
        trainer.locked_until, trainer.failed_logins = None, 0
        done.append("unlocked")
    session.add(trainer)
    if done:
        audit.record(session, principal, "trainer.change", f"{trainer.username}: {', '.join(done)}", now=now)
    return TrainerOut(
        id=trainer.id or 0, username=trainer.username, display_name=trainer.display_name, role=trainer.role
    )


@router.get("/audit", response_model=list[AuditOut], summary="Who did what, when, to how many")
async def audit_log(request: Request, principal: ApiTrainer) -> Any:
    return [
        AuditOut.model_validate(entry, from_attributes=True)
        for entry in await audit_entries(request, principal)
    ]


async def audit_entries(request: Request, principal: Principal) -> list[Any]:
    def work(session: Session) -> list[Any]:
        mine = {c.id for c in classes.visible_classes(session, principal)}
        return audit.entries(session, principal, class_ids={i for i in mine if i is not None})

    return await in_session(request, work)
