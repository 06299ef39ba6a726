"""Alerts: what changed in the record that an analyst asked to hear about.

    rules.py    the kinds of alert, a rule's validation, the channel a rule names
    detect.py   new facts of one polling cycle -> alerts, each citing its passages
    deliver.py  stored, then sent through the rule's channel: a webhook POST, stdout, a plugin's
"""

from .detect import Edit, Fresh, detect_alerts
from .deliver import deliver_alerts
from .rules import ALERT_KINDS, channel_destination, validate_rule

__all__ = ["ALERT_KINDS", "Edit", "Fresh", "channel_destination", "deliver_alerts", "detect_alerts", "validate_rule"]
