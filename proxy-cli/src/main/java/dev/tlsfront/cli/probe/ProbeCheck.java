package dev.tlsfront.cli.probe;

import java.util.List;

/** One item of the HTTPS-only checklist: what it finds in what was fetched. Pure: no network. */
interface ProbeCheck {
    List<Finding> findings(SiteVisit visit);
}
