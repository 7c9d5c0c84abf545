from django.db import migrations

# Formulations that changed by law or by Party congress; an office adds its own in the admin.
RULES = [
    ("一府两院", False, "2018年修宪设立监察委员会后，应表述为“一府一委两院”。", "一府一委两院", "error"),
    ("全过程(?!人民)民主", True, "规范表述为“全过程人民民主”。", "全过程人民民主", "error"),
    (
        "党的十九大",
        False,
        "请核实：当前应学习贯彻党的二十大精神，引用十九大时请确认语境。",
        "党的二十大",
        "warning",
    ),
    ("十九届[一二三四五六七]中全会", True, "请核实是否应为二十届中央全会。", "", "warning"),
]


def create_rules(apps, schema_editor):
    LintRule = apps.get_model("checks", "LintRule")
    for pattern, is_regex, message, suggestion, severity in RULES:
        LintRule.objects.get_or_create(
            pattern=pattern,
            defaults={
                "is_regex": is_regex,
                "message": message,
                "suggestion": suggestion,
                "severity": severity,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("checks", "0002_lint_rules")]
    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
