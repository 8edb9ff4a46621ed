from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import requires
from accounts.audit import audit_record
from accounts.middleware import accepts_upload
from core.spreadsheets import xlsx_response
from eligibility import selectors, services
from eligibility.counties import FIELDS as COUNTY_FIELDS
from eligibility.forms import (
    CountyProfileForm,
    ListUploadForm,
    PolicyForm,
    ReevaluateForm,
    RestartForm,
)
from eligibility.listfiles import ListRefused
from eligibility.models import IspList, OfficePolicy
from eligibility.policy import SWITCHES, policy_from_values, policy_impact
from eligibility.rules import REASONS


@requires("upload_lists")
def list_index(request: HttpRequest) -> HttpResponse:
    return render(request, "eligibility/list_index.html", {"lists": selectors.list_index()})


@accepts_upload(lambda: settings.LIST_UPLOAD_MAX_BYTES)
@requires("upload_lists")
def list_upload(request: HttpRequest) -> HttpResponse:
    form = ListUploadForm(request.POST or None, request.FILES or None)
    duplicate = False
    if request.method == "POST" and form.is_valid():
        try:
            isp_list = services.list_receive(
                upload=form.cleaned_data["file"],
                as_of=form.cleaned_data["as_of"],
                user=request.user,
                confirm_reimport=form.cleaned_data["confirm_reimport"],
                # the demo has no workers: its uploads import beside the request, so that the
                # page shows the progress bar as an office with workers sees it
                in_background=settings.DEMO_MODE,
            )
        except services.DuplicateList as refused:
            duplicate = True
            form.add_error("file", refused.message)
        except ListRefused as refused:
            form.add_error("file", refused.message)
        else:
            if isp_list.status == IspList.Status.WAITING:
                messages.warning(
                    request,
                    f"“{isp_list.filename}” received; the workers cannot be reached; "
                    "it starts when they are.",
                )
            else:
                messages.success(
                    request, f"“{isp_list.filename}” received; evaluation has started."
                )
            return redirect("list_detail", pk=isp_list.pk)
    return render(request, "eligibility/list_upload.html", {"form": form, "duplicate": duplicate})


def _duration(seconds: float | None) -> str:
    """How long an import took, in words a person reads at a glance ("41 s", "5 min 12 s")."""
    if seconds is None:
        return ""
    whole = max(round(seconds), 0)
    if whole < 60:
        return f"{max(seconds, 0):.1f} s" if seconds < 10 else f"{whole} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s"


def _list_context(isp_list: IspList) -> dict[str, object]:
    context: dict[str, object] = {"list": isp_list}
    if isp_list.status == IspList.Status.READY:
        context["referral_count"] = selectors.list_referral_count(isp_list=isp_list)
        reason_counts = selectors.list_reason_counts(isp_list=isp_list)
        context.update(
            determinations=selectors.list_determination_counts(isp_list=isp_list),
            reason_counts=[(code, n, REASONS.get(code)) for code, n in reason_counts],
            took=_duration(isp_list.seconds("parse_started_at", "evaluate_finished_at")),
            unreadable=selectors.list_unreadable_fields(isp_list=isp_list),
            corrections=selectors.list_corrections(isp_list=isp_list),
            reevaluate_form=ReevaluateForm(
                initial={"as_of": isp_list.as_of, "policy": selectors.policy_current()}
            ),
        )
    return context


@requires("upload_lists")
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    isp_list = get_object_or_404(selectors.list_index(), pk=pk)
    return render(request, "eligibility/list_detail.html", _list_context(isp_list))


@requires("upload_lists")
def list_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone (htmx polls it); when the list is done the page reloads."""
    isp_list = get_object_or_404(IspList, pk=pk)
    response = render(request, "eligibility/_progress.html", {"list": isp_list})
    if not isp_list.is_working:
        response["HX-Refresh"] = "true"
    return response


@requires("upload_lists")
def list_results(request: HttpRequest, pk: int) -> HttpResponse:
    isp_list = get_object_or_404(IspList, pk=pk, status=IspList.Status.READY)
    rows = selectors.list_result_rows(isp_list=isp_list)
    audit_record(action="list.export", request=request, obj=isp_list)
    return xlsx_response(
        filename=f"list-{isp_list.pk}-results.xlsx",
        title="Results",
        header=[
            "row",
            "determination",
            "reasons",
            "last name",
            "first name",
            "date of birth",
            "court case number",
            "statute",
            "class",
            "disposition",
            "disposition date",
            "court location",
        ],
        rows=((r[0], r[1], ";".join(r[2]), *r[3:]) for r in rows),
    )


@requires("upload_lists")
@require_POST
def list_reevaluate(request: HttpRequest, pk: int) -> HttpResponse:
    isp_list = get_object_or_404(IspList, pk=pk)
    form = ReevaluateForm(request.POST)
    if isp_list.is_working:
        messages.error(request, "The list is still being evaluated; wait until it is ready.")
    elif form.is_valid():
        services.list_reevaluate(
            isp_list=isp_list,
            as_of=form.cleaned_data["as_of"],
            policy=form.cleaned_data["policy"],
            user=request.user,
        )
        messages.success(request, "Evaluating the list again. Attorneys' decisions are kept.")
    else:
        messages.error(request, "Choose an as-of date and a policy version.")
    return redirect("list_detail", pk=pk)


@requires("upload_lists")
@require_POST
def list_resume(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(IspList, pk=pk)
    form = RestartForm(request.POST)
    if form.is_valid() and services.list_restart(list_id=pk, seen=form.cleaned_data["seen"]):
        messages.success(request, "The import was restarted; it continues where it stopped.")
    else:
        messages.info(
            request,
            "The import was already restarted, or has moved since the page was shown: "
            "nothing more to do.",
        )
    return redirect("list_detail", pk=pk)


@requires("change_policy")
def policy(request: HttpRequest) -> HttpResponse:
    """The policy in force, its history, and a proposed change: preview its impact (stores
    nothing) or adopt it (a new version, with a required comment)."""
    current = selectors.policy_current()
    profile = selectors.profile_current()
    in_force = current.as_rules_policy(county=profile.name)
    initial = {**current.values(), "comment": ""}
    form = PolicyForm(request.POST or None, initial=initial)
    impact = None
    if request.method == "POST" and form.is_valid():
        values = form.policy_values()
        if request.POST.get("action") == "adopt":
            try:
                adopted = services.policy_adopt(
                    values=values, user=request.user, comment=form.cleaned_data["comment"]
                )
            except ValueError as refused:
                form.add_error("comment", str(refused))
            else:
                messages.success(request, f"Policy version {adopted.version} is now in force.")
                return redirect("policy")
        else:
            chosen = form.cleaned_data["preview_list"]
            impact = policy_impact(
                lists=[chosen] if chosen else list(selectors.lists_ready()),
                current=in_force,
                proposed=policy_from_values({**values, "county": profile.name}),
            )
    context = {
        "current": current,
        "switches": [
            (name, SWITCHES[name], _switch_text(current, name, value))
            for name, value in in_force.as_dict().items()
        ],
        "profile": profile,
        "history": selectors.policy_history(),
        "form": form,
        "impact": impact,
        "stale_lists": selectors.lists_not_on_policy(policy=current),
    }
    return render(request, "eligibility/policy.html", context)


def _switch_text(policy: OfficePolicy, name: str, value: object) -> str:
    """A switch's value in the words of its choices ("Send to review", not "review")."""
    if value is None:
        return "no cap"
    display = getattr(policy, f"get_{name}_display", None)
    return str(display()) if display else f"{value:g}" if isinstance(value, float) else str(value)


@requires("change_policy")
@require_POST
def policy_reevaluate(request: HttpRequest) -> HttpResponse:
    """Re-evaluate the chosen lists under the policy in force (decisions are kept)."""
    current = selectors.policy_current()
    chosen = selectors.lists_not_on_policy(policy=current).filter(
        pk__in=request.POST.getlist("lists")
    )
    for isp_list in chosen:
        services.list_reevaluate(
            isp_list=isp_list, as_of=isp_list.as_of, policy=current, user=request.user
        )
    if chosen:
        messages.success(
            request,
            f"Re-evaluating {len(chosen)} list(s) under policy version {current.version}.",
        )
    else:
        messages.error(request, "Choose at least one list to re-evaluate.")
    return redirect("policy")


@requires("change_county_profile")
def county_profile(request: HttpRequest) -> HttpResponse:
    """The office's county profile in force, its history, and a new version (with a required
    comment): what the court papers take from the county (issue 21)."""
    current = selectors.profile_current()
    form = CountyProfileForm(
        request.POST or None, initial={**CountyProfileForm.initial_of(current), "comment": ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            adopted = services.profile_adopt(
                values=form.profile_values(),
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValueError as refused:
            form.add_error("comment", str(refused))
        else:
            messages.success(
                request,
                f"County profile version {adopted.version} is now in force; packets made "
                "before keep the version they were made with.",
            )
            return redirect("county_profile")
    return render(
        request,
        "eligibility/county_profile.html",
        {
            "profile": current,
            "fields": COUNTY_FIELDS,
            "history": selectors.profile_history(),
            "form": form,
        },
    )
