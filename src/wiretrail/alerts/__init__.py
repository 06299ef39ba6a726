"""Alerts: what changed in the record that an analyst asked to hear about.

    rules.py    the kinds of alert and a rule's validation
    detect.py   new facts of one polling cycle -> alerts, each citing its passages
    deliver.py  stored, then POSTed as JSON to the rule's webhook (the CLI prints them too)
"""

from .detect import Edit, Fresh, detect_alerts
from .deliver import deliver_alerts
from .rules import ALERT_KINDS, validate_rule

__all__ = ["ALERT_KINDS", "Edit", "Fresh", "deliver_alerts", "detect_alerts", "validate_rule"]
