"""The trainers' pages under /admin: sign-in, classes and their dashboards, accounts, the audit log.

Pages call the trainer service (bot/trainers/service.py), as the JSON API (bot/web/api.py) does, so both
enforce the same rules.
Every form that changes something carries the session's CSRF token.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from bot.storage.trainers import AssignmentKind, ClassGroup, Role
from bot.trainers import assignments, audit, auth, classes, dashboard, games
from bot.trainers.auth import LoginOutcome, Principal
from bot.trainers.line_account import LineAccount
from bot.trainers.service import Invalid, NotFound, TrainerError, TrainerService
from bot.web import api, charts, dates, deps, render
from bot.web.deps import COOKIE, PageAdmin, PageTrainer, TrainersDep
from bot.web.i18n import Translator, language_of

router = APIRouter(prefix="/admin", include_in_schema=False)
LOGIN_CSRF_COOKIE = "ruthan_login_csrf"


def page(
    request: Request, name: str, principal: Principal | None, status_code: int = 200, **context: Any
) -> Response:
    return render(
        request, name, status_code=status_code, me=principal, flash=request.query_params.get("ok"), **context
    )


def back(url: str, message: str | None = None) -> RedirectResponse:
    return RedirectResponse(url + (f"?ok={quote(message)}" if message else ""), status_code=303)


def local(request: Request, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return dates.moment(moment, deps.settings_of(request).zone, language_of(request))


# ----- sign-in ----------------------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin/classes"


def login_page(request: Request, status_code: int = 200, **context: Any) -> Response:
    """The sign-in form, with a token that must come back with it, both in a cookie and in the form: another
    site cannot then sign a visitor's browser in to an account of its choosing (login CSRF)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not 20 <= len(token) <= 64:
        token = secrets.token_urlsafe(24)
    response = page(request, "login.html", None, status_code=status_code, csrf=token, **context)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=deps.cookie_secure(request),
        path="/admin/login",
    )
    return response


@router.get("/login")
async def login_form(request: Request, next: str | None = None) -> Response:
    return login_page(request, next=_safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/admin/classes",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        # An old tab, cookies refused, or a form posted from another site: the form again, nothing checked.
        return login_page(request, 403, error="login_expired", next=_safe_next(next), username=username)
    runtime = deps.runtime_of(request)
    settings = deps.settings_of(request)
    result = await auth.login(
        runtime.db,
        runtime.engine,
        settings,
        username=username,
        password=password,
        source=deps.client_source(request),
        now=runtime.clock.now(),
        passwords=deps.passwords_of(request),
    )
    if result.outcome is LoginOutcome.OK and result.token:
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            COOKIE,
            result.token,
            max_age=settings.session_max_hours * 3600,
            httponly=True,
            samesite="lax",
            secure=deps.cookie_secure(request),
            path="/",
        )
        return response
    t_key = {
        LoginOutcome.LOCKED: "login_locked",
        LoginOutcome.THROTTLED: "login_throttled",
    }.get(result.outcome, "login_wrong")
    minutes = max(1, round(result.retry_after.total_seconds() / 60)) if result.retry_after else 0
    status = 429 if result.outcome is LoginOutcome.THROTTLED else 401
    return login_page(
        request,
        status,
        error=t_key,
        minutes=minutes,
        next=_safe_next(next),
        username=username,
    )


@router.post("/logout")
async def logout(request: Request, principal: PageTrainer) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        runtime = deps.runtime_of(request)
        await runtime.db(auth.logout, runtime.engine, token)
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("")
async def home(principal: PageTrainer) -> Response:
    return RedirectResponse("/admin/classes", status_code=303)


# ----- classes ----------------------------------------------------------------------------------------------


@router.get("/classes")
async def class_list(request: Request, principal: PageTrainer, trainers: TrainersDep) -> Response:
    summaries = await trainers.summaries(principal)
    overview = {
        "classes": len(summaries),
        "members": sum(c.members for c in summaries),
        "active": sum(c.active_this_week for c in summaries),
    }
    line = await trainers.line_account(principal)
    return page(
        request,
        "classes.html",
        principal,
        classes=summaries,
        overview=overview,
        line=line,
        local=lambda moment: local(request, moment),
    )


@router.post("/line/code")
async def line_code(principal: PageTrainer, trainers: TrainersDep) -> Response:
    """A one-time code for the trainer to type to the bot from their own LINE (shown on the class list)."""
    await trainers.new_line_code(principal)
    return back("/admin/classes#line-account")


@router.post("/line/unlink")
async def line_unlink(principal: PageTrainer, trainers: TrainersDep) -> Response:
    await trainers.unlink_line(principal)
    return back("/admin/classes#line-account")


@router.post("/classes")
async def class_create(
    request: Request,
    principal: PageTrainer,
    trainers: TrainersDep,
    name: Annotated[str, Form(max_length=80)],
) -> Response:
    created = await trainers.create_class(principal, name.strip() or "-")
    message = Translator(language_of(request))("class_created", name=created.name, code=created.code)
    return back(f"/admin/classes/{created.class_id}", message)


@router.get("/classes/{class_id}")
async def class_page(
    request: Request,
    principal: PageTrainer,
    trainers: TrainersDep,
    class_id: int,
    show: Annotated[str | None, Query(pattern="^(not_started|stopped|behind)$")] = None,
) -> Response:
    return await _class_page(request, principal, trainers, class_id, show)


async def _class_page(
    request: Request,
    principal: Principal,
    trainers: TrainerService,
    class_id: int,
    show: str | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    try:
        report = await trainers.report(principal, class_id)
    except NotFound:
        return page(request, "not_found.html", principal, status_code=404)
    lang = _lang(request)
    today = deps.runtime_of(request).clock.now().astimezone(deps.settings_of(request).zone).date()
    form = extra.pop("form", None) or {"due": today + timedelta(days=7)}
    groups = await trainers.groups(class_id)
    sizes = await _pending_sizes(request, groups)
    basic_id = deps.settings_of(request).line_bot_basic_id
    links = classes.links(basic_id, report.code)
    return page(
        request,
        "class.html",
        principal,
        status_code=status_code,
        assignments=await trainers.class_assignments(principal, class_id),
        choices=_choices_by_track(trainers.assignment_choices()),
        form=form,
        months=dates.month_names(lang),
        years=[(year, dates.year_label(year, lang)) for year in (today.year, today.year + 1)],
        report=report,
        links=links,
        qr=classes.qr_svg(links.chat_url) if links.chat_url else None,
        groups=[g for g in groups if g.approved_at],
        pending=[(g, sizes.get(g.group_id)) for g in groups if not g.approved_at],
        charts=_class_charts(report, _lang(request)),
        local=lambda moment: local(request, moment),
        day=lambda value: dates.day(value, _lang(request)),
        status_name=dashboard.status_name,
        skill_name=dashboard.skill_name,
        show=show,
        shown=report.filtered(show),
        filters=dashboard.FILTERS,
        games=await trainers.class_games(class_id),
        game_seconds=games.GAME_SECONDS,
        game_modules=[
            (lesson.id, lesson.module.title) for lesson in deps.services_of(request).content.lessons.values()
        ],
        **extra,
    )


def _choices_by_track(choices: list[assignments.Choice]) -> dict[str, list[assignments.Choice]]:
    """The form's modules, grouped under their track's title, in content order."""
    grouped: dict[str, list[assignments.Choice]] = {}
    for choice in choices:
        grouped.setdefault(choice.track, []).append(choice)
    return grouped


@router.post("/classes/{class_id}/assignments")
async def assignment_create(
    request: Request,
    principal: PageTrainer,
    trainers: TrainersDep,
    class_id: int,
    choice: Annotated[str, Form(max_length=100)],
    due_day: Annotated[int, Form(ge=1, le=31)],
    due_month: Annotated[int, Form(ge=1, le=12)],
    due_year: Annotated[int, Form(ge=2000, le=2200)],
    kind: Annotated[AssignmentKind, Form()] = AssignmentKind.MODULE,
) -> Response:
    """The class page's form: module (track/module), what to do, and the due date as day, month, year."""
    track_id, _, module_id = choice.partition("/")
    form = {"choice": choice, "kind": kind.value}
    try:
        due_on = date(due_year, due_month, due_day)
    except ValueError:
        return await _class_page(
            request, principal, trainers, class_id, status_code=422, assign_error="assign_bad_date", form=form
        )
    form["due"] = due_on  # type: ignore[assignment]
    try:
        await trainers.assign(
            principal, class_id, kind=kind, track_id=track_id, module_id=module_id, due_on=due_on
        )
    except Invalid as exc:
        return await _class_page(
            request, principal, trainers, class_id, status_code=422, assign_error=exc.detail, form=form
        )
    return back(f"/admin/classes/{class_id}", "assign_made")


@router.post("/classes/{class_id}/assignments/{assignment_id}/remove")
async def assignment_remove(
    principal: PageTrainer, trainers: TrainersDep, class_id: int, assignment_id: int
) -> Response:
    await trainers.unassign(principal, class_id, assignment_id)
    return back(f"/admin/classes/{class_id}", "assign_removed")


@router.post("/classes/{class_id}/assignments/{assignment_id}/nudge")
async def assignment_nudge(
    request: Request, principal: PageTrainer, trainers: TrainersDep, class_id: int, assignment_id: int
) -> Response:
    """ "ส่งข้อความเตือน": once; pressed again, the page says it had gone (the row says when, to how many)."""
    try:
        nudged = await trainers.nudge(principal, class_id, assignment_id)
    except TrainerError as exc:
        if exc.status != 409:
            raise
        return await _class_page(
            request, principal, trainers, class_id, status_code=409, assign_error=exc.detail
        )
    return back(f"/admin/classes/{class_id}", "assign_nudge_sent" if nudged.sent else "assign_nudge_again")


@router.get("/classes/{class_id}/learners/{learner_id}")
async def learner_page(
    request: Request, principal: PageTrainer, trainers: TrainersDep, class_id: int, learner_id: int
) -> Response:
    try:
        detail = await trainers.learner(principal, class_id, learner_id)
    except NotFound:
        return page(request, "not_found.html", principal, status_code=404)
    return page(
        request,
        "learner.html",
        principal,
        d=detail,
        local=lambda moment: local(request, moment),
        day=lambda value: dates.day(value, _lang(request)),
        status_name=dashboard.status_name,
    )


def _lang(request: Request) -> str:
    return language_of(request)


async def _pending_sizes(request: Request, groups: list[ClassGroup]) -> dict[str, int | None]:
    """How many members each waiting group has (every one of them counts against the quota), if LINE says."""
    account: LineAccount | None = deps.line_account_of(request)
    pending = [g.group_id for g in groups if not g.approved_at]
    if account is None or not pending:
        return {}
    return dict(zip(pending, await asyncio.gather(*map(account.group_size, pending)), strict=True))


def _class_charts(report: dashboard.ClassReport, lang: str) -> dict[str, Any]:
    activity = charts.columns(
        [
            (dates.short_day(day, lang) if index == 0 or day.day == 1 else str(day.day), count)
            for index, (day, count) in enumerate(report.activity)
        ],
        title="activity",
    )
    modules = {
        track: charts.bars(
            [charts.Bar(row.title, row.done, row.learners, f"{row.done}/{row.learners}") for row in rows],
            title=track,
        )
        for track, rows in report.modules_by_track.items()
    }
    skills = charts.bars(
        [
            charts.Bar(
                dashboard.skill_name(row.skill, lang),
                row.miss_rate,
                100,
                f"{row.miss_rate}%",
                charts.miss_color(row.miss_rate),
            )
            for row in report.weakest_skills
        ],
        title="skills",
    )
    return {"activity": activity, "modules": modules, "skills": skills}


@router.get("/classes/{class_id}/qr.png")
async def class_qr(principal: PageTrainer, trainers: TrainersDep, class_id: int) -> Response:
    classroom = await trainers.visible(principal, class_id)
    return Response(trainers.qr_png(classroom), media_type="image/png")


@router.get("/classes/{class_id}/export.csv")
async def class_csv(
    request: Request, principal: PageTrainer, trainers: TrainersDep, class_id: int
) -> Response:
    report = await trainers.report(principal, class_id)
    return api.csv_response(report, _lang(request))


@router.post("/classes/{class_id}/groups/{group_row}/approve")
async def group_approve(
    principal: PageTrainer, trainers: TrainersDep, class_id: int, group_row: int
) -> Response:
    classroom = await trainers.visible(principal, class_id)
    try:
        await trainers.approve_group(principal, classroom, group_row)
    except TrainerError as exc:
        return back(f"/admin/classes/{class_id}", "group_full" if exc.status == 409 else "group_gone")
    return back(f"/admin/classes/{class_id}", "group_approved")


@router.post("/classes/{class_id}/groups/{group_row}/remove")
async def group_remove(
    principal: PageTrainer, trainers: TrainersDep, class_id: int, group_row: int
) -> Response:
    classroom = await trainers.visible(principal, class_id)
    was_linked = await trainers.unlink_group(principal, classroom, group_row)
    return back(f"/admin/classes/{class_id}", "group_removed" if was_linked else "group_rejected")


@router.post("/classes/{class_id}/games")
async def game_prepare(
    principal: PageTrainer,
    trainers: TrainersDep,
    class_id: int,
    group: Annotated[int, Form()],
    source: Annotated[str, Form(max_length=60)] = games.MIX,
    count: Annotated[int, Form(ge=1, le=games.MAX_ITEMS)] = games.DEFAULT_ITEMS,
    untimed: Annotated[str | None, Form()] = None,
    teams: Annotated[int, Form(ge=0, le=games.MAX_TEAMS)] = 0,
) -> Response:
    """Prepare a game in a linked group; its first question appears when the trainer types "ข้อต่อไป" there."""
    classroom = await trainers.visible(principal, class_id)
    try:
        await trainers.prepare_game(
            principal, classroom, group_row=group, source=source, count=count, timed=not untimed, teams=teams
        )
    except TrainerError as exc:
        return back(f"/admin/classes/{class_id}", "game_busy" if exc.status == 409 else "group_gone")
    return back(f"/admin/classes/{class_id}", "game_prepared")


@router.post("/classes/{class_id}/games/{game_id}/end")
async def game_end(principal: PageTrainer, trainers: TrainersDep, class_id: int, game_id: int) -> Response:
    classroom = await trainers.visible(principal, class_id)
    await trainers.end_game(principal, classroom, game_id)
    return back(f"/admin/classes/{class_id}", "game_ended")


# ----- trainers (admin) and the audit log ----------------------------------------------------------------


@router.get("/trainers")
async def trainer_list(request: Request, principal: PageAdmin, trainers: TrainersDep) -> Response:
    rows = await trainers.trainers()
    return page(request, "trainers.html", principal, trainers=rows, local=lambda m: local(request, m))


@router.post("/trainers")
async def trainer_create(
    request: Request,
    principal: PageAdmin,
    trainers: TrainersDep,
    username: Annotated[str, Form(max_length=64)],
    display_name: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    role: Annotated[Role, Form()] = Role.TRAINER,
) -> Response:
    try:
        created = await trainers.create_trainer(
            principal, username=username, display_name=display_name, password=password, role=role
        )
    except Invalid as exc:
        return page(
            request,
            "trainers.html",
            principal,
            status_code=422,
            trainers=await trainers.trainers(),
            error=exc.detail,
            local=lambda m: local(request, m),
        )
    return back("/admin/trainers", created.username)


@router.post("/trainers/{trainer_id}")
async def trainer_change(
    request: Request,
    principal: PageAdmin,
    trainers: TrainersDep,
    trainer_id: int,
    change: Annotated[str, Form(pattern="^(disable|enable|unlock)$")],
) -> Response:
    active = {"disable": False, "enable": True}.get(change)
    await trainers.change_trainer(principal, trainer_id, active=active, unlock=change == "unlock")
    return back("/admin/trainers", "trainer_changed")


@router.get("/audit")
async def audit_page(request: Request, principal: PageTrainer, trainers: TrainersDep) -> Response:
    entries = await trainers.audit_entries(principal)
    return page(
        request,
        "audit.html",
        principal,
        entries=entries,
        action_name=lambda action: audit.action_name(action, _lang(request)),
        local=lambda m: local(request, m),
        line_group=audit.LINE_GROUP_ACTOR,
    )
