"""The applicant's satisfaction survey (SKM) and the public statistics page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kantor_virtual.access import public
from kantor_virtual.errors import Refused
from layanan_publik.services.survey import answer_survey
from layanan_publik.statistics import Period, public_statistics
from layanan_publik.submission_views import own_or_404
from layanan_publik.survey_forms import StatisticsFilterForm, SurveyForm


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, code: str) -> HttpResponse:
    submission = own_or_404(request, code)
    if hasattr(submission, "survey"):
        return redirect("skm:survey_thanks", code=submission.tracking_code)
    form = SurveyForm(request.POST or None)
    if form.is_valid():
        try:
            answer_survey(
                actor=request.user,
                submission=submission,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("skm:survey_thanks", code=submission.tracking_code)
    return render(request, "layanan_publik/survey/survey.html", {"submission": submission, "form": form})


@login_required
@require_GET
def survey_thanks(request: HttpRequest, code: str) -> HttpResponse:
    submission = own_or_404(request, code)
    if not hasattr(submission, "survey"):
        messages.info(request, "Survei untuk permohonan ini belum diisi.")
        return redirect("skm:survey", code=submission.tracking_code)
    return render(request, "layanan_publik/survey/thanks.html", {"submission": submission})


@public
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Anyone may read it: aggregate figures only, small counts hidden (layanan_publik.statistics)."""
    form = StatisticsFilterForm(request.GET or None)
    year, opd = form.year(), form.chosen_opd()
    stats = public_statistics(period=Period.year(year), opd=opd)
    return render(
        request, "layanan_publik/statistics.html", {"form": form, "stats": stats, "year": year, "opd": opd}
    )
