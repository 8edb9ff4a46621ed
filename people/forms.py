from __future__ import annotations

from django import forms

from people.selectors import SHORTEST_QUERY, SearchQuery, query_read


class SearchForm(forms.Form):
    """The one search box: a name, SID, DCN, court case number or date of birth."""

    q = forms.CharField(
        label="Find a person",
        min_length=SHORTEST_QUERY,
        max_length=200,
        error_messages={
            "required": "Type a name, SID, DCN, court case number or date of birth.",
            "min_length": f"Type at least {SHORTEST_QUERY} characters.",
        },
    )

    def clean_q(self) -> SearchQuery:
        query = query_read(self.cleaned_data["q"])
        if query.is_empty:
            raise forms.ValidationError(
                "Nothing to search by: type a name, SID, DCN, court case number or date of birth."
            )
        return query
