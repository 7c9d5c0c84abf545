from django import forms


class ExportForm(forms.Form):
    profile = forms.ChoiceField(
        label="版式",
        initial="standard",
        choices=[("standard", "标准（三号仿宋，每页22行×28字）"), ("large", "大字号（领导念稿用）")],
    )
    include_subtitle = forms.BooleanField(label="打印讲话人和日期行", required=False, initial=True)
    bold_subpoint_leads = forms.BooleanField(label="“一是……”等分项引导句加粗", required=False)

    def options(self):
        from .services import export_options

        data = self.cleaned_data
        return export_options(
            profile=data["profile"],
            include_subtitle=data["include_subtitle"],
            bold_subpoint_leads=data["bold_subpoint_leads"],
        )


def export_form(request) -> ExportForm:
    """Options come in the query string so that a download link can be bookmarked or shared."""
    if "profile" in request.GET:
        return ExportForm(request.GET)
    return ExportForm({"profile": "standard", "include_subtitle": True})
