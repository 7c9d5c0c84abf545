from django import forms

from .services import export_options


class ExportForm(forms.Form):
    profile = forms.ChoiceField(
        label="版式",
        initial="standard",
        choices=[("standard", "标准（三号仿宋，每页22行×28字）"), ("large", "大字号（领导念稿用）")],
    )
    include_subtitle = forms.BooleanField(label="打印讲话人和日期行", required=False, initial=True)
    bold_subpoint_leads = forms.BooleanField(label="“一是……”等分项引导句加粗", required=False)
    tracked_from = forms.IntegerField(
        label="修订稿：从第几版起标出修改",
        required=False,
        min_value=1,
        help_text="填写后导出修订稿：与该版本相比的增删以 Word 修订显示，未解决的批注作为 Word 批注。",
    )
    tracked_to = forms.IntegerField(
        label="修订稿：到第几版", required=False, min_value=1, help_text="不填则为当前正文。"
    )

    def clean(self):
        data = super().clean()
        if data.get("tracked_to") and not data.get("tracked_from"):
            self.add_error("tracked_from", "导出修订稿时请填写从第几版起标出修改。")
        return data

    def options(self):
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
