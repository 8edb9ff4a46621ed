"""The referral count on a list's page (the list view belongs to eligibility and knows nothing
of reports)."""

from __future__ import annotations

from django import template

from eligibility.models import IspList
from filings import reports

register = template.Library()


@register.simple_tag
def referral_count(isp_list: IspList) -> int:
    return reports.referral_count(isp_list)
