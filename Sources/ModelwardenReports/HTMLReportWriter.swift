import ModelwardenCore

/// The compliance report as one self-contained HTML5 page: inline CSS and SVG charts, no script, no fonts or images
/// from the network, laid out for screen and for print (A4, a page per major section). It streams: the head and each
/// section go to the sink in order, and the usages and findings one row at a time, read once.
///
/// Every word comes from `ReportStrings` in the report's language; identifiers (models, licences, rules, files) are
/// printed as they are, HTML-escaped. The same report gives the same bytes: no random ids, no clock.
public struct HTMLReportWriter: ComplianceReportWriter {
    public init() {}

    public func write(_ report: ComplianceReport, language: ComplianceReport.Language, to sink: inout some ReportSink) throws {
        let s = ReportStrings.for(language)
        try sink.write(head(report, s))
        try sink.write(header(report, s))
        try sink.write(contents(s, fleet: report.fleet != nil))
        try sink.write("<main>\n")
        try sink.write(summary(report, s))
        try sink.write(overview(report, s))
        try inventory(report, s, to: &sink)
        try findings(report, s, to: &sink)
        try sink.write(obligations(report, s))
        try waivers(report, s, to: &sink)
        try sink.write(externalAPIs(report, s))
        try scanHistory(report, s, to: &sink)
        if let fleet = report.fleet { try sink.write(fleetSection(fleet, s)) }
        try sink.write("</main>\n")
        try sink.write(footer(report, s))
        try sink.write("</div>\n</body>\n</html>\n")
    }

    // MARK: - Sections

    enum Section: Int, CaseIterable {
        case summary = 1, overview, inventory, findings, obligations, waivers, externalAPIs, scans, fleet

        var id: String {
            switch self {
            case .summary: return "summary"
            case .overview: return "usage-overview"
            case .inventory: return "inventory"
            case .findings: return "findings"
            case .obligations: return "obligations"
            case .waivers: return "waivers"
            case .externalAPIs: return "external-apis"
            case .scans: return "scan-history"
            case .fleet: return "sources"
            }
        }

        func title(_ s: ReportStrings) -> String {
            switch self {
            case .summary: return s.summary
            case .overview: return s.usageOverview
            case .inventory: return s.inventory
            case .findings: return s.findings
            case .obligations: return s.obligations
            case .waivers: return s.waivers
            case .externalAPIs: return s.externalAPIs
            case .scans: return s.scanHistory
            case .fleet: return s.fleet
            }
        }

        func intro(_ s: ReportStrings) -> String {
            switch self {
            case .summary: return s.summaryIntro
            case .overview: return s.usageOverviewIntro
            case .inventory: return s.inventoryIntro
            case .findings: return s.findingsIntro
            case .obligations: return s.obligationsIntro
            case .waivers: return s.waiversIntro
            case .externalAPIs: return s.externalAPIsIntro
            case .scans: return s.scanHistoryIntro
            case .fleet: return s.fleetIntro
            }
        }

        /// The summary shares the first page with the header; every other section starts a printed page.
        var startsPage: Bool { self != .summary && self != .overview }
    }

    func sectionStart(_ section: Section, _ s: ReportStrings) -> String {
        """
        <section class="section\(section.startsPage ? " major" : "")" id="\(section.id)" aria-labelledby="\(section.id)-title">
        <h2 id="\(section.id)-title"><span class="section-number">\(section.rawValue)</span>\(esc(section.title(s)))</h2>
        <p class="lead">\(esc(section.intro(s)))</p>

        """
    }

    // MARK: - Head, header, contents, footer

    func head(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(s.languageCode)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Modelwarden \(esc(report.toolVersion))">
        <title>\(esc(s.title)) — \(esc(report.organization))</title>
        <style>
        \(Self.css)</style>
        </head>
        <body>
        <div class="page">

        """
    }

    func header(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        var out = """
            <header class="report-header">
            <div class="masthead"><span class="brand">\(Self.shield)Modelwarden</span><span class="doc-class">\(esc(s.classificationNotice))</span></div>
            <h1>\(esc(s.title))</h1>
            <p class="org">\(esc(report.organization))</p>
            <p class="subtitle">\(esc(s.subtitle))</p>
            <dl class="meta">

            """
        let items = [
            (s.period, report.source == "scan" && report.since == nil && report.until == nil
                ? s.asOf(report.generatedAt) : s.period(since: report.since, until: report.until)),
            (s.generated, s.dateTime(report.generatedAt)),
            (s.source, s.sourceName(report.source)),
            (s.toolVersion, "Modelwarden " + report.toolVersion),
        ]
        for (label, value) in items {
            out += "<div><dt>\(esc(label))</dt><dd>\(esc(value))</dd></div>\n"
        }
        out += "</dl>\n</header>\n"
        return out
    }

    /// The table of contents; the sources section exists only in reports from a store.
    func contents(_ s: ReportStrings, fleet: Bool) -> String {
        var out = "<nav class=\"toc\" aria-label=\"\(esc(s.contents))\">\n<h2>\(esc(s.contents))</h2>\n<ol>\n"
        for section in Section.allCases where fleet || section != .fleet {
            out += "<li><a href=\"#\(section.id)\"><span class=\"section-number\">\(section.rawValue)</span>\(esc(section.title(s)))</a></li>\n"
        }
        out += "</ol>\n</nav>\n"
        return out
    }

    func footer(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        """
        <footer class="report-footer">
        <p>\(esc(s.generatedBy(report.toolVersion)))</p>
        <p>\(esc(report.organization)) · \(esc(s.generated)): \(esc(s.dateTime(report.generatedAt))) · \(esc(s.generatedFrom(report.source)))</p>
        </footer>

        """
    }

    // MARK: - Summary

    func summary(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        let sum = report.summary
        let open = sum.openErrors + sum.openWarnings + sum.openInfo
        let tone = sum.openErrors > 0 ? "error" : sum.openWarnings > 0 ? "warning" : sum.openInfo > 0 ? "info" : "ok"
        var out = sectionStart(.summary, s)
        out += "<p class=\"verdict verdict-\(tone)\">\(Self.verdictIcon(tone))<span>\(esc(s.verdict(errors: sum.openErrors, warnings: sum.openWarnings, info: sum.openInfo)))</span></p>\n"
        out += "<div class=\"cards\">\n"
        let calling = Set(report.externalServices.flatMap(\.deployments)).count
        out += card(s.deployments, s.number(sum.deployments), note: s.deploymentsCallingExternal(calling))
        out += card(s.models, s.number(sum.models), note: s.vendorsAndLicenses(vendors: report.byVendor.count, licenses: report.licenses.count))
        // Usages, split by hosting, with a proportion bar.
        let hosted = sum.selfHosted + sum.external
        let selfShare = hosted == 0 ? 0 : Double(sum.selfHosted) / Double(hosted) * 100
        out += """
            <div class="card"><div class="card-label">\(esc(s.usages))</div><div class="card-value">\(s.number(sum.usages))</div>
            <div class="card-foot"><div class="split" role="img" aria-label="\(esc(s.selfHosted)) \(s.number(sum.selfHosted)), \(esc(s.externalAPI)) \(s.number(sum.external))">\
            <span class="split-self" style="width:\(Self.fmt(selfShare))%"></span><span class="split-external" style="width:\(Self.fmt(hosted == 0 ? 0 : 100 - selfShare))%"></span></div>
            <div class="split-legend"><span><i class="dot dot-self"></i>\(esc(s.selfHosted)) <b>\(s.number(sum.selfHosted))</b></span>\
            <span><i class="dot dot-external"></i>\(esc(s.externalAPI)) <b>\(s.number(sum.external))</b></span></div></div></div>

            """
        out += """
            <div class="card card-findings"><div class="card-label">\(esc(s.openFindings))</div><div class="card-row"><div class="card-value">\(s.number(open))</div>
            <div class="severity-counts">\
            <span class="sev sev-error"><b>\(s.number(sum.openErrors))</b>\(esc(s.errors))</span>\
            <span class="sev sev-warning"><b>\(s.number(sum.openWarnings))</b>\(esc(s.warnings))</span>\
            <span class="sev sev-info"><b>\(s.number(sum.openInfo))</b>\(esc(s.info))</span></div></div>
            <div class="card-foot card-note">\(esc(s.waived)) <b>\(s.number(sum.waived))</b> · \(esc(s.resolved)) <b>\(s.number(sum.resolved))</b></div></div>

            """
        out += "</div>\n</section>\n"
        return out
    }

    func card(_ label: String, _ value: String, note: String) -> String {
        "<div class=\"card\"><div class=\"card-label\">\(esc(label))</div><div class=\"card-value\">\(esc(value))</div><div class=\"card-foot card-note\">\(esc(note))</div></div>\n"
    }

    // MARK: - Charts

    func overview(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        var out = sectionStart(.overview, s)
        out += "<div class=\"charts\">\n"
        let hosting = report.byHosting.map { Bar(label: s.hosting($0.label), count: $0.count, color: Self.hostingColor($0.label)) }
        out += figure("hosting", s.usagesByHosting, barChart(hosting, s))
        let kinds = report.byLicenseKind.map { Bar(label: s.licenseKind($0.label), count: $0.count, color: Self.kindColor($0.label)) }
        out += figure("license-kind", s.usagesByLicenseKind, barChart(kinds, s))
        // The ten largest vendors; the rest summed as "other".
        let vendors = report.byVendor.sorted { ($1.count, $0.label) < ($0.count, $1.label) }
        var vendorBars = vendors.prefix(10).map { Bar(label: $0.label, count: $0.count, color: Self.brand) }
        let rest = vendors.dropFirst(10).reduce(0) { $0 + $1.count }
        if rest > 0 { vendorBars.append(Bar(label: s.other, count: rest, color: Self.neutral)) }
        out += figure("vendor", s.usagesByVendor, barChart(vendorBars, s))
        out += figure("timeline", s.findingsOverTime, timeChart(report.findingsOverTime, s),
                      legend: [(s.error, Self.errorColor), (s.warning, Self.warningColor), (s.info, Self.infoColor)])
        out += "</div>\n</section>\n"
        return out
    }

    func figure(_ name: String, _ caption: String, _ svg: String, legend: [(String, String)] = []) -> String {
        var out = "<figure class=\"chart chart-\(name)\"><figcaption>\(esc(caption))</figcaption>\n\(svg)"
        if !legend.isEmpty {
            out += "<div class=\"legend\">"
            for (label, color) in legend { out += "<span><i class=\"dot\" style=\"background:\(color)\"></i>\(esc(label))</span>" }
            out += "</div>\n"
        }
        return out + "</figure>\n"
    }

    struct Bar {
        var label: String
        var count: Int
        var color: String
    }

    /// Horizontal bars, labels on the left and values at the bar ends. Horizontal positions are percentages of the
    /// chart's width and text sizes are pixels, so the chart fills its box and its text stays the same size on a
    /// wide screen and on paper.
    func barChart(_ bars: [Bar], _ s: ReportStrings) -> String {
        guard !bars.isEmpty, bars.contains(where: { $0.count > 0 }) else { return emptyChart(s) }
        let labelEnd = 36.0, span = 52.0, row = 26.0, barHeight = 16.0
        let height = Double(bars.count) * row + 2
        let maxCount = Double(bars.map(\.count).max() ?? 1)
        var out = "<svg class=\"bars\" width=\"100%\" height=\"\(Self.fmt(height))\" role=\"img\" aria-label=\"\(esc(bars.map { "\($0.label) \(s.number($0.count))" }.joined(separator: ", ")))\">\n"
        for (index, bar) in bars.enumerated() {
            let y = Double(index) * row + 4
            let length = bar.count > 0 ? max(0.6, Double(bar.count) / maxCount * span) : 0
            out += "<g><title>\(esc(bar.label)): \(s.number(bar.count))</title>"
            out += "<text x=\"\(Self.fmt(labelEnd))%\" dx=\"-8\" y=\"\(Self.fmt(y + barHeight / 2))\" class=\"bar-label\" text-anchor=\"end\" dominant-baseline=\"central\">\(esc(Self.truncated(bar.label, units: 22)))</text>"
            out += "<rect x=\"\(Self.fmt(labelEnd))%\" y=\"\(Self.fmt(y))\" width=\"\(Self.fmt(span))%\" height=\"\(Self.fmt(barHeight))\" rx=\"3\" fill=\"#f2f4f7\"/>"
            out += "<rect x=\"\(Self.fmt(labelEnd))%\" y=\"\(Self.fmt(y))\" width=\"\(Self.fmt(length))%\" height=\"\(Self.fmt(barHeight))\" rx=\"3\" fill=\"\(bar.color)\"/>"
            out += "<text x=\"\(Self.fmt(labelEnd + length))%\" dx=\"7\" y=\"\(Self.fmt(y + barHeight / 2))\" class=\"bar-value\" dominant-baseline=\"central\">\(s.number(bar.count))</text></g>\n"
        }
        return out + "</svg>\n"
    }

    /// Open findings per day, stacked by severity, with a value axis; positioned like `barChart`.
    func timeChart(_ days: [ComplianceReport.DayCount], _ s: ReportStrings) -> String {
        guard !days.isEmpty else { return emptyChart(s) }
        let height = 220.0, left = 6.0, right = 99.0, top = 20.0, bottom = 28.0
        let plotHeight = height - top - bottom
        let peak = days.map { $0.error + $0.warning + $0.info }.max() ?? 0
        let (axisMax, step) = Self.niceAxis(peak)
        let band = (right - left) / Double(days.count)
        let barWidth = min(band * 0.62, 7)
        func y(_ value: Int) -> Double { top + plotHeight - Double(value) / Double(axisMax) * plotHeight }
        var out = "<svg class=\"timeline\" width=\"100%\" height=\"\(Self.fmt(height))\" role=\"img\" aria-label=\"\(esc(s.findingsOverTime))\">\n"
        var tick = 0
        while tick <= axisMax {
            out += "<line x1=\"\(Self.fmt(left))%\" x2=\"\(Self.fmt(right))%\" y1=\"\(Self.fmt(y(tick)))\" y2=\"\(Self.fmt(y(tick)))\" class=\"\(tick == 0 ? "axis" : "grid")\"/>"
            out += "<text x=\"\(Self.fmt(left))%\" dx=\"-8\" y=\"\(Self.fmt(y(tick)))\" class=\"axis-label\" text-anchor=\"end\" dominant-baseline=\"central\">\(s.number(tick))</text>\n"
            tick += step
        }
        // About ten date labels, the last day always among them.
        let labelEvery = max(1, Int((Double(days.count) / 10).rounded(.up)))
        for (index, day) in days.enumerated() {
            let x = left + band * Double(index) + (band - barWidth) / 2
            let center = x + barWidth / 2
            out += "<g><title>\(esc(s.date(day.day))): \(esc(s.error)) \(s.number(day.error)), \(esc(s.warning)) \(s.number(day.warning)), \(esc(s.info)) \(s.number(day.info))</title>"
            var base = 0
            for (value, color) in [(day.error, Self.errorColor), (day.warning, Self.warningColor), (day.info, Self.infoColor)] where value > 0 {
                out += "<rect x=\"\(Self.fmt(x))%\" y=\"\(Self.fmt(y(base + value)))\" width=\"\(Self.fmt(barWidth))%\" height=\"\(Self.fmt(y(base) - y(base + value)))\" fill=\"\(color)\"/>"
                base += value
            }
            if base > 0, days.count <= 31 {
                out += "<text x=\"\(Self.fmt(center))%\" y=\"\(Self.fmt(y(base) - 6))\" class=\"bar-total\" text-anchor=\"middle\">\(s.number(base))</text>"
            }
            let last = index == days.count - 1
            if (index % labelEvery == 0 && (last || days.count - 1 - index >= labelEvery)) || last {
                out += "<text x=\"\(Self.fmt(center))%\" y=\"\(Self.fmt(height - bottom + 18))\" class=\"axis-label\" text-anchor=\"middle\">\(esc(s.shortDate(day.day)))</text>"
            }
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    func emptyChart(_ s: ReportStrings) -> String {
        "<p class=\"chart-empty\">\(esc(s.noData))</p>\n"
    }

    /// The axis top and tick step for a peak value: 1, 2 or 5 times a power of ten, about four ticks.
    static func niceAxis(_ peak: Int) -> (max: Int, step: Int) {
        guard peak > 0 else { return (4, 1) }
        var magnitude = 1
        while magnitude * 10 <= peak { magnitude *= 10 }
        var step = magnitude
        for factor in [1, 2, 5, 10] {
            step = max(1, magnitude * factor / 10)
            if (peak + step - 1) / step <= 5 { break }
        }
        while (peak + step - 1) / step > 5 { step *= 2 }
        let top = max(step, (peak + step - 1) / step * step)
        return (top, step)
    }

    // MARK: - Inventory

    func inventory(_ report: ComplianceReport, _ s: ReportStrings, to sink: inout some ReportSink) throws {
        try sink.write(sectionStart(.inventory, s))
        try sink.write(inventoryTable(s, inactive: false))
        var activeRows = 0, inactiveRows = 0
        var inInactiveTable = false
        try report.usages.forEach { usage in
            if !usage.active && !inInactiveTable {
                // Active usages come first: the first inactive one closes their table and opens the second.
                if activeRows == 0 { try sink.write(emptyRow(s.noActiveUsages, columns: 8)) }
                try sink.write("</tbody>\n</table>\n</div>\n")
                try sink.write("<h3 class=\"subsection\">\(esc(s.noLongerInUse))</h3>\n<p class=\"note\">\(esc(s.noLongerInUseIntro))</p>\n")
                try sink.write(inventoryTable(s, inactive: true))
                inInactiveTable = true
            }
            if usage.active { activeRows += 1 } else { inactiveRows += 1 }
            // A long history would make a page nobody reads: the most recent retired usages are listed, the rest
            // are counted and left to the CSV and JSON exports.
            if !usage.active && inactiveRows > Self.retiredRowLimit { return }
            try sink.write(usageRow(usage, s, misplaced: inInactiveTable && usage.active))
        }
        if !inInactiveTable && activeRows == 0 {
            try sink.write(emptyRow(s.noUsages, columns: 8))
        }
        try sink.write("</tbody>\n</table>\n</div>\n")
        if inactiveRows > Self.retiredRowLimit {
            try sink.write("<p class=\"note\">\(esc(s.moreRetiredUsages(inactiveRows - Self.retiredRowLimit)))</p>\n")
        }
        try sink.write("</section>\n")
    }

    /// How many usages that are no longer in use the page lists.
    public static let retiredRowLimit = 1_000

    func inventoryTable(_ s: ReportStrings, inactive: Bool) -> String {
        tableStart(inactive ? "inventory inactive" : "inventory", [
            (s.deployment, 21, false), (s.model, 19, false), (s.family, 8, false), (s.license, 14, false), (s.hosting, 10, false),
            (s.runtimeOrAPI, 10, false), (s.firstSeen, 9, false), (s.lastSeen, 9, false),
        ])
    }

    func usageRow(_ usage: ComplianceReport.UsageRecord, _ s: ReportStrings, misplaced: Bool) -> String {
        let model = usage.model.map { "<span class=\"mono strong\">\(esc($0))</span>" } ?? "<span class=\"muted\">\(esc(s.noModelNamed))</span>"
        let hostingClass = usage.hosting == "self-hosted" ? "hosting-self" : usage.hosting == "external-api" ? "hosting-external" : "hosting-other"
        let place = usage.runtime ?? usage.api
        var out = "<tr class=\"usage\(usage.active ? "" : " gone")\">"
        out += "<td><span class=\"strong\">\(esc(usage.deployment))</span><span class=\"loc mono\">\(esc(usage.file)):\(usage.line)</span></td>"
        out += "<td>\(model)\(misplaced ? " <span class=\"badge badge-ok\">\(esc(s.inUse))</span>" : "")</td>"
        out += "<td>\(esc(usage.family))<span class=\"sub\">\(esc(usage.vendor))</span></td>"
        out += "<td><span class=\"mono\">\(esc(usage.license))</span><span class=\"sub kind kind-\(Self.cssToken(usage.licenseKind ?? "unknown"))\">\(esc(s.licenseKind(usage.licenseKind)))</span></td>"
        out += "<td><span class=\"badge \(hostingClass)\">\(esc(s.hosting(usage.hosting)))</span></td>"
        out += "<td>\(place.map { "<span class=\"mono\">\(esc($0))</span>" } ?? "<span class=\"muted\">—</span>")</td>"
        out += "<td class=\"date\">\(esc(s.date(usage.firstSeen)))</td>"
        out += "<td class=\"date\">\(esc(s.date(usage.lastSeen)))</td>"
        return out + "</tr>\n"
    }

    /// A table's opening, with fixed column widths (percentages) so long identifiers wrap instead of widening the page.
    func tableStart(_ cssClass: String, _ columns: [(header: String, width: Int, numeric: Bool)]) -> String {
        var out = "<div class=\"table-wrap\">\n<table class=\"\(cssClass)\">\n<colgroup>"
        for column in columns { out += "<col style=\"width:\(column.width)%\">" }
        out += "</colgroup>\n<thead><tr>"
        for column in columns { out += "<th scope=\"col\"\(column.numeric ? " class=\"num\"" : "")>\(esc(column.header))</th>" }
        return out + "</tr></thead>\n<tbody>\n"
    }

    func emptyRow(_ text: String, columns: Int) -> String {
        "<tr class=\"empty\"><td colspan=\"\(columns)\">\(esc(text))</td></tr>\n"
    }

    // MARK: - Findings

    func findings(_ report: ComplianceReport, _ s: ReportStrings, to sink: inout some ReportSink) throws {
        try sink.write(sectionStart(.findings, s))
        let sum = report.summary
        func count(_ status: String) -> Int? {
            switch status {
            case "open": return sum.openErrors + sum.openWarnings + sum.openInfo
            case "waived": return sum.waived
            case "resolved": return sum.resolved
            default: return nil
            }
        }
        func groupHeading(_ status: String) -> String {
            let label = count(status).map { s.counted(s.status(status), $0) } ?? s.status(status)
            return "<h3 class=\"subsection status-heading\"><span class=\"status-dot status-\(Self.cssToken(status))\"></span>\(esc(label))</h3>\n"
        }
        let findingsTable = tableStart("findings", [
            (s.severity, 9, false), (s.finding, 29, false), (s.deploymentAndModel, 20, false), (s.evidence, 21, false), (s.remediation, 21, false),
        ])
        let tableEnd = "</tbody>\n</table>\n</div>\n"
        var current: String?
        var sawOpen = false
        try report.findings.forEach { finding in
            if finding.status != current {
                if current != nil { try sink.write(tableEnd) }
                // The open group is always shown, empty or not: "no open findings" is what an auditor looks for first.
                if !sawOpen && finding.status != "open" {
                    try sink.write(groupHeading("open") + "<p class=\"empty-note\">\(esc(s.noOpenFindings))</p>\n")
                }
                if finding.status == "open" { sawOpen = true }
                try sink.write(groupHeading(finding.status))
                try sink.write(findingsTable)
                current = finding.status
            }
            try sink.write(findingRow(finding, s))
        }
        if current != nil {
            try sink.write(tableEnd)
        } else {
            try sink.write("<p class=\"empty-note\">\(esc(s.noFindings))</p>\n")
        }
        try sink.write("</section>\n")
    }

    func findingRow(_ finding: ComplianceReport.FindingRecord, _ s: ReportStrings) -> String {
        var out = "<tr class=\"finding status-row-\(Self.cssToken(finding.status))\">"
        out += "<td><span class=\"badge sev-badge sev-\(Self.cssToken(finding.severity))\">\(esc(s.severity(finding.severity)))</span></td>"
        out += "<td class=\"finding-text\"><span class=\"strong\">\(esc(finding.title))</span><span class=\"rule mono\">\(esc(finding.rule))</span>"
        out += "<span class=\"message\">\(esc(finding.message))</span></td>"
        out += "<td>"
        if let deployment = finding.deployment {
            out += "<span class=\"strong\">\(esc(deployment))</span>"
        } else {
            out += "<span class=\"muted\">\(esc(s.policyWide))</span>"
        }
        if let model = finding.model { out += "<span class=\"sub mono\">\(esc(model))</span>" }
        out += "</td>"
        out += "<td><span class=\"mono evidence\">\(esc(finding.file)):\(finding.line):\(finding.column)</span>"
        let first = s.date(finding.firstSeen), last = s.date(finding.lastSeen)
        out += first == last
            ? "<span class=\"sub\">\(esc(s.seen)) \(esc(first))</span></td>"
            : "<span class=\"sub\">\(esc(s.firstSeen)) \(esc(first)) · \(esc(s.lastSeen)) \(esc(last))</span></td>"
        out += "<td class=\"remedy\">\(esc(finding.remediation))"
        if let waiver = finding.waiver {
            out += "<span class=\"waiver-note\"><b>\(esc(s.waiver)):</b> \(esc(waiver))</span>"
        }
        return out + "</td></tr>\n"
    }

    // MARK: - Obligations

    func obligations(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        var out = sectionStart(.obligations, s)
        if report.licenses.isEmpty { out += "<p class=\"empty-note\">\(esc(s.noLicenses))</p>\n" }
        for entry in report.licenses {
            out += licenseBlock(entry, s)
        }
        return out + "</section>\n"
    }

    func licenseBlock(_ entry: ComplianceReport.LicenseInUse, _ s: ReportStrings) -> String {
        let license = entry.license
        let failing = entry.uses.contains { !$0.attributionMet || $0.thresholdExceeded }
        // Non-commercial and research-only terms forbid production use whatever the attribution: flagged on their own.
        let restricted = license.map { $0.kind == .nonCommercial || $0.kind == .researchOnly } ?? false
        let state = failing ? " license-failing" : restricted || license == nil ? " license-restricted" : ""
        var out = "<article class=\"license\(state)\">\n<div class=\"license-top\">\n<header class=\"license-head\">"
        out += "<h3>\(esc(license?.name ?? s.unknownLicenseTitle))</h3>"
        out += "<span class=\"mono license-id\">\(esc(entry.id))</span>"
        out += "<span class=\"badge kind-badge kind-\(Self.cssToken(license?.kind.rawValue ?? "unknown"))\">\(esc(s.licenseKind(license?.kind.rawValue)))</span>"
        let passed = entry.uses.filter { $0.attributionMet && !$0.thresholdExceeded }.count
        if license != nil {
            out += "<span class=\"license-score \(failing ? "score-bad" : restricted ? "score-neutral" : "score-good")\">\(failing ? "✗" : "✓") \(esc(s.compliant(passed, of: entry.uses.count)))</span>"
        }
        out += "</header>\n"
        guard let license else {
            out += "<p class=\"callout callout-warning\">\(esc(s.unknownLicense))</p>\n</div>\n"
            out += usesTable(entry, license: nil, s)
            return out + "</article>\n"
        }
        if restricted { out += "<p class=\"callout callout-warning\">\(esc(s.restrictedLicense))</p>\n" }
        out += "<div class=\"license-grid\">\n<div>\n"
        if !license.obligations.isEmpty {
            out += "<h4>\(esc(s.obligationsList))</h4>\n<ul class=\"obligation-list\">\n"
            for obligation in license.obligations { out += "<li>\(esc(obligation))</li>\n" }
            out += "</ul>\n"
        }
        if !license.restrictions.isEmpty {
            out += "<h4>\(esc(s.restrictions))</h4>\n<ul class=\"restriction-list\">\n"
            for restriction in license.restrictions { out += "<li>\(esc(restriction))</li>\n" }
            out += "</ul>\n"
        }
        out += "</div>\n<div class=\"license-side\">\n"
        out += "<h4>\(esc(s.requiredAttribution))</h4>\n"
        out += license.attribution.map { "<p class=\"quote\">“\(esc($0))”</p>\n" } ?? "<p class=\"muted\">\(esc(s.noAttributionRequired))</p>\n"
        out += "<h4>\(esc(s.notice))</h4>\n"
        out += license.notice.map { "<blockquote class=\"notice\">\(esc($0))</blockquote>\n" } ?? "<p class=\"muted\">\(esc(s.noNotice))</p>\n"
        out += "<h4>\(esc(s.thresholds))</h4>\n"
        if license.thresholds.isEmpty {
            out += "<p class=\"muted\">\(esc(s.noThresholds))</p>\n"
        } else {
            out += "<ul class=\"threshold-list\">\n"
            for threshold in license.thresholds {
                out += "<li><span class=\"strong\">\(esc(s.thresholdRule(metric: threshold.metric, comparison: threshold.comparison, value: threshold.value)))</span>"
                if let consequence = threshold.consequence { out += "<span class=\"sub\">\(esc(consequence))</span>" }
                out += "</li>\n"
            }
            out += "</ul>\n"
        }
        var facts: [String] = []
        if let url = license.url, url.hasPrefix("https://") || url.hasPrefix("http://") {
            facts.append("\(esc(s.licenseTerms)): <a href=\"\(esc(url))\" class=\"mono\">\(esc(url))</a>")
        }
        if let asOf = license.asOf { facts.append("\(esc(s.reviewedAsOf)): \(esc(s.date(asOf.description)))") }
        if !facts.isEmpty { out += "<p class=\"license-facts\">\(facts.joined(separator: "<br>"))</p>\n" }
        out += "</div>\n</div>\n</div>\n"
        out += usesTable(entry, license: license, s)
        return out + "</article>\n"
    }

    /// Per deployment: its product and users against the threshold, its declared attribution, and ✓/✗.
    func usesTable(_ entry: ComplianceReport.LicenseInUse, license: License?, _ s: ReportStrings) -> String {
        var out = tableStart("checklist", [
            (s.deployment, 20, false), (s.models, 21, false), (s.product, 12, false), (s.monthlyActiveUsers, 12, true), (s.threshold, 11, false),
            (s.declaredAttribution, 13, false), (s.attribution, 11, false),
        ])
        let hasThreshold = license?.monthlyActiveUserThreshold != nil
        let needsAttribution = license?.attribution != nil
        for use in entry.uses {
            out += "<tr>"
            out += "<td class=\"strong\">\(esc(use.deployment))</td>"
            out += "<td>" + use.models.map { "<span class=\"mono chip\">\(esc($0))</span>" }.joined(separator: " ") + "</td>"
            out += "<td>\(use.product.map(esc) ?? "<span class=\"muted\">—</span>")</td>"
            out += "<td class=\"num\">\(use.monthlyActiveUsers.map { s.number($0) } ?? "<span class=\"muted\">\(esc(s.unknown))</span>")</td>"
            if license == nil {
                // Nothing is known of a licence outside the catalog: no threshold or attribution to check against.
                out += "<td><span class=\"muted\">\(esc(s.unknown))</span></td>"
            } else if use.thresholdExceeded {
                out += "<td>\(mark(false, s.exceeded))</td>"
            } else if hasThreshold && use.monthlyActiveUsers != nil {
                out += "<td>\(mark(true, s.withinThreshold))</td>"
            } else if hasThreshold {
                out += "<td><span class=\"muted\">\(esc(s.unknown))</span></td>"
            } else {
                out += "<td><span class=\"muted\">\(esc(s.notApplicable))</span></td>"
            }
            out += "<td>\(use.declaredAttribution.map { "<span class=\"quote-inline\">\(esc($0))</span>" } ?? "<span class=\"muted\">\(esc(s.noneDeclared))</span>")</td>"
            if license == nil && use.attributionMet {
                out += "<td><span class=\"muted\">\(esc(s.unknown))</span></td>"
            } else if !needsAttribution && use.attributionMet {
                out += "<td><span class=\"muted\">\(esc(s.notRequired))</span></td>"
            } else {
                out += "<td>\(mark(use.attributionMet, use.attributionMet ? s.met : s.notMet))</td>"
            }
            out += "</tr>\n"
        }
        if entry.uses.isEmpty { out += emptyRow(s.noUsages, columns: 7) }
        return out + "</tbody>\n</table>\n</div>\n"
    }

    func mark(_ ok: Bool, _ label: String) -> String {
        "<span class=\"check \(ok ? "check-ok" : "check-bad")\"><span class=\"check-mark\" aria-hidden=\"true\">\(ok ? "✓" : "✗")</span>\(esc(label))</span>"
    }

    // MARK: - Waivers

    func waivers(_ report: ComplianceReport, _ s: ReportStrings, to sink: inout some ReportSink) throws {
        try sink.write(sectionStart(.waivers, s))
        guard !report.waivers.isEmpty else {
            try sink.write("<p class=\"empty-note\">\(esc(s.noWaivers))</p>\n</section>\n")
            return
        }
        let today = PolicyDate(String(report.generatedAt.prefix(10)))
        try sink.write(tableStart("waivers", [
            (s.rule, 17, false), (s.scope, 16, false), (s.reason, 25, false), (s.approvedBy, 17, false), (s.expires, 13, false), (s.definedIn, 12, false),
        ]))
        for waiver in report.waivers {
            let left = today.map { waiver.expires.dayNumber - $0.dayNumber }
            let state: String
            let badge: String
            switch left {
            case let days? where days < 0:
                state = "expired"
                badge = "<span class=\"badge badge-error\">\(esc(s.expired))</span><span class=\"sub\">\(esc(s.expiredAgo(days: -days)))</span>"
            case let days? where days <= 30:
                state = "expiring"
                badge = "<span class=\"badge badge-warning\">\(esc(s.expiringSoon))</span><span class=\"sub\">\(esc(s.expiresIn(days: days)))</span>"
            case let days?:
                state = "valid"
                badge = "<span class=\"badge badge-ok\">\(esc(s.valid))</span><span class=\"sub\">\(esc(s.expiresIn(days: days)))</span>"
            case nil:
                state = "valid"
                badge = ""
            }
            var scope: [String] = waiver.deployments.map { selector in
                let kind = selector.kind.map { "<span class=\"muted\">\(esc($0))</span> " } ?? ""
                let place = (selector.namespace.map { $0 + "/" } ?? "") + (selector.name ?? "*")
                return "<span class=\"scope-item\">\(kind)<span class=\"mono\">\(esc(place))</span></span>"
            }
            if scope.isEmpty { scope.append("<span class=\"scope-item\">\(esc(s.allDeployments))</span>") }
            if !waiver.models.isEmpty {
                scope.append("<span class=\"scope-item\">\(esc(s.models)): " + waiver.models.map { "<span class=\"mono\">\(esc($0))</span>" }.joined(separator: ", ") + "</span>")
            }
            var row = "<tr class=\"waiver waiver-\(state)\">"
            row += "<td><span class=\"mono strong\">\(esc(waiver.rule))</span></td>"
            row += "<td>\(scope.joined())</td>"
            row += "<td>\(esc(waiver.reason))</td>"
            row += "<td>\(esc(waiver.approvedBy))</td>"
            row += "<td class=\"expiry\"><span class=\"date strong\">\(esc(s.date(waiver.expires.description)))</span>\(badge)</td>"
            row += "<td><span class=\"mono loc\">\(esc(waiver.location.file)):\(waiver.location.line)</span></td>"
            try sink.write(row + "</tr>\n")
        }
        try sink.write("</tbody>\n</table>\n</div>\n</section>\n")
    }

    // MARK: - External APIs

    func externalAPIs(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        var out = sectionStart(.externalAPIs, s)
        guard !report.externalServices.isEmpty else { return out + "<p class=\"empty-note\">\(esc(s.noExternalAPIs))</p>\n" + agentTools(report, s) + "</section>\n" }
        out += tableStart("external", [
            (s.provider, 13, false), (s.endpoints, 15, false), (s.deployments, 20, false), (s.models, 16, false), (s.dataClassifications, 13, false),
            (s.dataTerms, 23, false),
        ])
        for service in report.externalServices {
            let sensitive = service.classifications.contains { $0 == "confidential" || $0 == "restricted" }
            out += "<tr class=\"service\(sensitive ? " sensitive" : "")\">"
            out += "<td><span class=\"strong\">\(esc(service.provider?.name ?? service.id))</span><span class=\"sub mono\">\(esc(service.id))</span></td>"
            out += "<td>" + list(service.endpoints, mono: true) + "</td>"
            out += "<td>" + list(service.deployments, mono: false) + "</td>"
            out += "<td>" + list(service.models, mono: true) + "</td>"
            out += "<td>" + (service.classifications.isEmpty
                ? "<span class=\"muted\">—</span>"
                : service.classifications.map { "<span class=\"badge class-\(Self.cssToken($0))\">\(esc(s.classification($0)))</span>" }.joined(separator: " ")) + "</td>"
            if let provider = service.provider {
                out += "<td><dl class=\"terms\">"
                out += "<div><dt>\(esc(s.trainsOnData))</dt><dd class=\"train-\(Self.cssToken(provider.trainsOnAPIData.rawValue))\">\(esc(s.trainsOnData(provider.trainsOnAPIData)))</dd></div>"
                out += "<div><dt>\(esc(s.retention))</dt><dd>\(provider.retentionDays.map { esc(s.days($0)) } ?? esc(s.unknown))</dd></div>"
                out += "<div><dt>\(esc(s.zeroDataRetention))</dt><dd>\(esc(provider.zeroDataRetentionAvailable ? s.available : s.notAvailable))</dd></div>"
                out += "</dl></td>"
            } else {
                out += "<td><span class=\"muted\">\(esc(s.unknown))</span></td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n</div>\n" + agentTools(report, s) + "</section>\n"
    }

    /// The MCP servers agents are given: the other way data leaves, beside the model APIs.
    func agentTools(_ report: ComplianceReport, _ s: ReportStrings) -> String {
        var out = "<h3 class=\"subsection\" id=\"agent-tools\">\(esc(s.agentTools))</h3>\n<p class=\"note\">\(esc(s.agentToolsIntro))</p>\n"
        guard !report.tools.isEmpty else { return out + "<p class=\"empty-note\">\(esc(s.noAgentTools))</p>\n" }
        out += tableStart("tools", [(s.toolServer, 18, false), (s.toolTarget, 30, false), (s.toolAuth, 22, false),
                                    (s.dataClassifications, 12, false), (s.location, 18, false)])
        for tool in report.tools {
            let server = tool.server
            let sensitive = ["confidential", "restricted"].contains(tool.dataClassification ?? "") && server.hostScope == .external
            out += "<tr class=\"tool\(sensitive ? " sensitive" : "")\">"
            out += "<td><span class=\"strong\">\(esc(server.name))</span><span class=\"sub mono\">\(esc(server.client)) · \(esc(server.transport.rawValue))\(server.enabled ? "" : " · off")</span></td>"
            let target = server.url.map { "\($0) (\(server.hostScope?.rawValue ?? "unknown"))" }
                ?? [server.launcher, server.package.map { $0 + (server.version.map { "@\($0)" } ?? "") }, server.package == nil ? nil : (server.pinned ? "pinned" : "not pinned")]
                    .compactMap { $0 }.joined(separator: " ")
            out += "<td class=\"mono\">\(esc(target))</td>"
            out += "<td>" + list(server.auth + server.env.map { "env \($0)" } + server.inlineSecrets.map { "literal secret in \($0)" }, mono: true) + "</td>"
            out += "<td>" + (tool.dataClassification.map { "<span class=\"badge class-\(Self.cssToken($0))\">\(esc(s.classification($0)))</span>" }
                ?? "<span class=\"muted\">—</span>") + "</td>"
            out += "<td class=\"mono\">\(esc(server.location.description))</td>"
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n</div>\n"
    }

    func list(_ items: [String], mono: Bool) -> String {
        guard !items.isEmpty else { return "<span class=\"muted\">—</span>" }
        return "<ul class=\"plain\">" + items.map { "<li\(mono ? " class=\"mono\"" : "")>\(esc($0))</li>" }.joined() + "</ul>"
    }

    // MARK: - Scan history

    func scanHistory(_ report: ComplianceReport, _ s: ReportStrings, to sink: inout some ReportSink) throws {
        try sink.write(sectionStart(.scans, s))
        guard !report.scans.isEmpty else {
            try sink.write("<p class=\"empty-note\">\(esc(s.noScans))</p>\n</section>\n")
            return
        }
        try sink.write(tableStart("scans", [
            (s.scan, 8, false), (s.finishedAt, 26, false), (s.status, 14, false), (s.files, 10, true), (s.usages, 14, true),
            (s.findingsOpen, 14, true), (s.findingsWaived, 14, true),
        ]))
        for scan in report.scans {
            var row = "<tr>"
            row += "<td class=\"mono\">\(esc(s.scanNumber(scan.id)))</td>"
            row += "<td class=\"date\">\(esc(s.dateTime(scan.finishedAt)))</td>"
            row += "<td><span class=\"badge scan-\(Self.cssToken(scan.status))\">\(esc(s.scanStatus(scan.status)))</span></td>"
            row += "<td class=\"num\">\(s.number(scan.files))</td>"
            row += "<td class=\"num\">\(s.number(scan.usages))</td>"
            row += "<td class=\"num\(scan.findingsOpen > 0 ? " strong" : "")\">\(s.number(scan.findingsOpen))</td>"
            row += "<td class=\"num\">\(s.number(scan.findingsWaived))</td>"
            try sink.write(row + "</tr>\n")
        }
        try sink.write("</tbody>\n</table>\n</div>\n</section>\n")
    }

    // MARK: - Fleet

    /// One row per source, open findings by source as a chart, and models and licences by the number of sources.
    func fleetSection(_ fleet: ComplianceReport.Fleet, _ s: ReportStrings) -> String {
        var out = sectionStart(.fleet, s)
        out += tableStart("sources", [
            (s.sourceName, 30, false), (s.lastScan, 20, false), (s.scanCount, 8, true), (s.deployments, 10, true), (s.usages, 10, true),
            (s.models, 8, true), (s.openFindings, 14, true),
        ])
        for source in fleet.sources {
            var row = source.stale ? "<tr class=\"source stale\">" : "<tr class=\"source\">"
            row += "<td class=\"mono\">\(esc(source.name))"
            if source.stale, let days = fleet.staleAfterDays { row += " <span class=\"badge badge-warning\">\(esc(s.stale(days)))</span>" }
            row += "</td>"
            row += "<td class=\"date\">\(esc(source.lastScan.map(s.dateTime) ?? "—"))</td>"
            row += "<td class=\"num\">\(s.number(source.scans))</td>"
            row += "<td class=\"num\">\(s.number(source.deployments))</td>"
            row += "<td class=\"num\">\(s.number(source.usages))</td>"
            row += "<td class=\"num\">\(s.number(source.models))</td>"
            row += "<td class=\"num\(source.openFindings > 0 ? " strong" : "")\">\(s.number(source.openFindings))</td>"
            out += row + "</tr>\n"
        }
        if fleet.sources.isEmpty { out += emptyRow(s.noScans, columns: 7) }
        out += "</tbody>\n</table>\n</div>\n"
        out += "<div class=\"charts\">\n"
        let bars = fleet.sources.sorted { ($1.openFindings, $0.name) < ($0.openFindings, $1.name) }.prefix(15)
            .map { Bar(label: $0.name, count: $0.openFindings, color: Self.errorColor) }
        out += figure("open-by-source", s.openFindingsBySource, barChart(Array(bars), s))
        out += "</div>\n"
        for (title, cssClass, label, items) in [(s.modelsBySources, "fleet-models", s.model, fleet.models),
                                                (s.licensesBySources, "fleet-licenses", s.license, fleet.licenses)] {
            out += "<h3>\(esc(title))</h3>\n"
            out += tableStart(cssClass, [(label, 60, false), (s.sourceCount, 20, true), (s.usages, 20, true)])
            for item in items.prefix(50) {
                out += "<tr><td class=\"mono\">\(esc(item.label))</td><td class=\"num\">\(s.number(item.sources))</td><td class=\"num\">\(s.number(item.usages))</td></tr>\n"
            }
            if items.isEmpty { out += emptyRow(s.noScans, columns: 3) }
            out += "</tbody>\n</table>\n</div>\n"
        }
        out += "</section>\n"
        return out
    }

    // MARK: - Escaping and formatting

    /// Text for HTML content and quoted attribute values: `& < > " '` as entities; control characters that HTML does
    /// not allow become U+FFFD.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 == 0x7F }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    func esc(_ text: String) -> String { Self.escape(text) }

    /// A lower-case token safe in a class or id: letters, digits and `-`.
    static func cssToken(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "-" {
                out.unicodeScalars.append(scalar)
            } else {
                out += "-"
            }
        }
        return out.isEmpty ? "x" : out
    }

    /// A coordinate with at most one decimal, the same on every platform.
    static func fmt(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let whole = abs(tenths) / 10, fraction = abs(tenths) % 10
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// Cuts a label to about `units` columns (wide characters count two), ending in an ellipsis.
    static func truncated(_ label: String, units: Int) -> String {
        var used = 0
        var out = ""
        for character in label {
            let width = character.unicodeScalars.first.map { $0.value >= 0x1100 ? 2 : 1 } ?? 1
            if used + width > units - 1 {
                return out + "…"
            }
            used += width
            out.append(character)
        }
        return out
    }

    // MARK: - Colours

    static let brand = "#2e5a88"
    static let neutral = "#98a2b3"
    static let errorColor = "#d92d20"
    static let warningColor = "#f79009"
    static let infoColor = "#2e90fa"

    static func hostingColor(_ hosting: String) -> String {
        switch hosting {
        case "self-hosted": return "#0e7490"
        case "external-api": return "#c4661f"
        default: return neutral
        }
    }

    static func kindColor(_ kind: String) -> String {
        switch kind {
        case "permissive": return "#12b76a"
        case "conditional": return "#2e90fa"
        case "non-commercial": return "#f79009"
        case "research-only": return "#d92d20"
        case "commercial-api": return "#7a5af8"
        default: return neutral
        }
    }

    static func verdictIcon(_ tone: String) -> String {
        let mark = tone == "ok"
            ? "<path d=\"M6 10.5l2.5 2.5L14 7.5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
            : "<path d=\"M10 5.5v5.5\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/><circle cx=\"10\" cy=\"14.2\" r=\"1.2\" fill=\"currentColor\"/>"
        return "<svg class=\"verdict-icon\" viewBox=\"0 0 20 20\" aria-hidden=\"true\"><circle cx=\"10\" cy=\"10\" r=\"9\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.6\"/>\(mark)</svg>"
    }

    static let shield = """
        <svg class="shield" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2.5l8 3v6c0 5-3.4 8.6-8 10-4.6-1.4-8-5-8-10v-6l8-3z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><path d="M8.2 12.2l2.6 2.6 5-5.2" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>
        """

    // MARK: - Style

    static let css = """
        :root{--ink:#101828;--ink-2:#344054;--muted:#667085;--line:#eaecf0;--line-2:#d0d5dd;--surface:#f8f9fb;--brand:#1d3557;--brand-2:#2e5a88;
        --err:#b42318;--err-bg:#fef3f2;--err-line:#fecdca;--warn:#b54708;--warn-bg:#fffaeb;--warn-line:#fedf89;--inf:#175cd3;--inf-bg:#eff8ff;--inf-line:#b2ddff;
        --ok:#067647;--ok-bg:#ecfdf3;--ok-line:#abefc6;--waive:#5925dc;--waive-bg:#f4f3ff;--waive-line:#d9d6fe;--gray:#475467;--gray-bg:#f2f4f7;--gray-line:#eaecf0;
        --self:#0e7490;--external:#c4661f;
        --sans:-apple-system,BlinkMacSystemFont,"Segoe UI","Inter","Helvetica Neue",Arial,"Liberation Sans","Noto Sans","Apple SD Gothic Neo","Malgun Gothic","Noto Sans KR","Noto Sans CJK KR","Nanum Gothic",sans-serif;
        --sans-ko:"Pretendard","Apple SD Gothic Neo","Malgun Gothic","맑은 고딕","Noto Sans KR","Noto Sans CJK KR","Nanum Gothic","Segoe UI",Arial,sans-serif;
        --mono:ui-monospace,"SFMono-Regular","Cascadia Mono",Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;background:#e9edf2;color:var(--ink);font:14px/1.55 var(--sans);font-variant-numeric:tabular-nums}
        html:lang(ko) body{font-family:var(--sans-ko);word-break:keep-all;overflow-wrap:break-word}
        .page{max-width:1200px;margin:24px auto;background:#fff;box-shadow:0 1px 3px rgba(16,24,40,.1),0 8px 24px rgba(16,24,40,.06);border-radius:6px;overflow:hidden}
        a{color:var(--brand-2)}
        .mono{font-family:var(--mono);font-size:.9em;overflow-wrap:anywhere;word-break:normal}
        .strong{font-weight:600}
        .muted{color:var(--muted)}
        .sub{display:block;color:var(--muted);font-size:11.5px;margin-top:2px}
        .loc{display:block;color:var(--muted);font-size:11px;margin-top:2px}
        .report-header{background:linear-gradient(135deg,#15294a 0%,#1d3557 55%,#254773 100%);color:#fff;padding:28px 40px 26px}
        .masthead{display:flex;justify-content:space-between;align-items:center;gap:16px;font-size:12px;letter-spacing:.02em;color:#c7d3e4}
        .brand{display:inline-flex;align-items:center;gap:8px;font-weight:700;color:#fff;font-size:13px;letter-spacing:.04em;text-transform:uppercase}
        .shield{width:22px;height:22px}
        .doc-class{border:1px solid rgba(255,255,255,.35);border-radius:4px;padding:2px 8px;font-size:11px}
        .report-header h1{margin:22px 0 2px;font-size:30px;line-height:1.2;font-weight:700;letter-spacing:-.01em}
        .report-header .org{margin:0;font-size:18px;font-weight:500;color:#e4ebf5}
        .report-header .subtitle{margin:6px 0 0;color:#b8c6da;font-size:13px}
        .meta{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:0;margin:22px 0 0;border-top:1px solid rgba(255,255,255,.18);padding-top:14px}
        .meta div{padding-right:16px}
        .meta dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#9fb1ca;margin-bottom:2px}
        .meta dd{margin:0;font-size:13.5px;font-weight:600;color:#fff}
        html:lang(ko) .meta dt,html:lang(ko) th,html:lang(ko) .card-label{text-transform:none;letter-spacing:0}
        .toc{padding:14px 40px;border-bottom:1px solid var(--line);background:var(--surface)}
        .toc h2{display:none}
        .toc ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 22px;font-size:13px}
        .toc a{color:var(--ink-2);text-decoration:none}
        .toc a:hover{color:var(--brand-2);text-decoration:underline}
        .toc .section-number{color:var(--muted);margin-right:6px;font-weight:600}
        main{padding:8px 40px 24px}
        .section{padding-top:26px}
        .section h2{font-size:20px;line-height:1.3;margin:0 0 4px;color:var(--brand);display:flex;align-items:baseline;gap:10px;border-bottom:2px solid var(--brand);padding-bottom:8px}
        .section h2 .section-number{display:inline-flex;justify-content:center;align-items:center;min-width:26px;height:26px;border-radius:6px;background:var(--brand);color:#fff;font-size:13px;font-weight:700;align-self:center}
        .lead{margin:8px 0 16px;color:var(--muted);font-size:13px}
        .subsection{font-size:15px;margin:22px 0 8px;color:var(--ink);display:flex;align-items:center;gap:8px}
        .note{margin:-4px 0 10px;color:var(--muted);font-size:12.5px}
        .empty-note{margin:6px 0 14px;padding:10px 14px;border:1px dashed var(--line-2);border-radius:6px;color:var(--muted);background:var(--surface)}
        .verdict{display:flex;align-items:center;gap:10px;margin:4px 0 16px;padding:11px 16px;border-radius:8px;border:1px solid;font-weight:600}
        .verdict-icon{width:20px;height:20px;flex:none}
        .verdict-error{background:var(--err-bg);border-color:var(--err-line);color:var(--err)}
        .verdict-warning{background:var(--warn-bg);border-color:var(--warn-line);color:var(--warn)}
        .verdict-info{background:var(--inf-bg);border-color:var(--inf-line);color:var(--inf)}
        .verdict-ok{background:var(--ok-bg);border-color:var(--ok-line);color:var(--ok)}
        .cards{display:grid;grid-template-columns:1fr 1fr 1.6fr 1.9fr;gap:14px}
        .card{border:1px solid var(--line);border-radius:10px;padding:14px 16px;background:#fff;box-shadow:0 1px 2px rgba(16,24,40,.04);display:flex;flex-direction:column}
        .card-foot{margin-top:auto;padding-top:10px}
        .card-row{display:flex;align-items:flex-end;gap:16px}
        .card-row .severity-counts{flex:1;margin:0 0 2px}
        .card-label{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em;font-weight:600}
        .card-value{font-size:32px;font-weight:700;line-height:1.15;margin-top:4px;color:var(--ink)}
        .card-note{font-size:12px;color:var(--muted)}
        .card-note b{color:var(--ink-2)}
        .split{display:flex;height:8px;border-radius:4px;overflow:hidden;background:var(--gray-bg)}
        .split-self{background:var(--self)}
        .split-external{background:var(--external)}
        .split-legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin-top:8px;font-size:12px;color:var(--ink-2)}
        .dot{display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:6px;vertical-align:0}
        .dot-self{background:var(--self)}
        .dot-external{background:var(--external)}
        .severity-counts{display:flex;gap:8px;margin-top:10px}
        .sev{flex:1;border-radius:6px;padding:5px 8px;font-size:11.5px;border:1px solid;display:flex;flex-direction:column;line-height:1.3}
        .sev b{font-size:17px}
        .sev-error{background:var(--err-bg);border-color:var(--err-line);color:var(--err)}
        .sev-warning{background:var(--warn-bg);border-color:var(--warn-line);color:var(--warn)}
        .sev-info{background:var(--inf-bg);border-color:var(--inf-line);color:var(--inf)}
        .charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));grid-template-areas:"hosting vendor" "kind vendor" "timeline timeline";gap:14px}
        .chart-hosting{grid-area:hosting}.chart-license-kind{grid-area:kind}.chart-vendor{grid-area:vendor}.chart-timeline{grid-area:timeline}
        .chart{margin:0;border:1px solid var(--line);border-radius:10px;padding:12px 14px 10px;background:#fff}
        .chart figcaption{font-size:13px;font-weight:600;color:var(--ink-2);margin-bottom:8px}
        .chart svg{display:block;width:100%;overflow:visible}
        .chart-empty{color:var(--muted);font-size:12.5px;margin:18px 0;text-align:center}
        svg text{font-family:inherit}
        .bar-label{font-size:12px;fill:#344054}
        .bar-value{font-size:12px;font-weight:600;fill:#101828}
        .bar-total{font-size:11px;font-weight:600;fill:#344054}
        .axis-label{font-size:11px;fill:#667085}
        .grid{stroke:#eaecf0;stroke-width:1}
        .axis{stroke:#98a2b3;stroke-width:1}
        .legend{display:flex;gap:16px;justify-content:flex-end;font-size:12px;color:var(--ink-2);margin-top:4px}
        .table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px;margin:0 0 8px}
        table{width:100%;border-collapse:collapse;font-size:12.5px;table-layout:fixed}
        th{text-align:left;font-weight:600;color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.04em;background:var(--surface);border-bottom:1px solid var(--line-2);padding:8px 10px;vertical-align:bottom}
        td{padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
        table.scans td{vertical-align:middle}
        tbody tr:last-child td{border-bottom:0}
        tbody tr:nth-child(even) td{background:#fcfcfd}
        .num{text-align:right;white-space:nowrap}
        th.num{white-space:normal}
        .date{white-space:nowrap}
        html[lang=ko] td.date{white-space:normal;word-break:keep-all}
        tr.empty td{color:var(--muted);text-align:center;padding:14px}
        tr.gone td{color:var(--ink-2)}
        table.inactive{opacity:.92}
        .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:11px;font-weight:600;border:1px solid;white-space:nowrap;line-height:1.6}
        .badge-error,.sev-badge.sev-error{background:var(--err-bg);border-color:var(--err-line);color:var(--err)}
        .badge-warning,.sev-badge.sev-warning{background:var(--warn-bg);border-color:var(--warn-line);color:var(--warn)}
        .sev-badge.sev-info{background:var(--inf-bg);border-color:var(--inf-line);color:var(--inf)}
        .sev-badge{display:inline-block;min-width:56px;text-align:center}
        .badge-ok{background:var(--ok-bg);border-color:var(--ok-line);color:var(--ok)}
        .hosting-self{background:#ecfdff;border-color:#a5f0fc;color:#0e7090}
        .hosting-external{background:#fef6ee;border-color:#f9dbaf;color:#b93815}
        .hosting-other{background:var(--gray-bg);border-color:var(--gray-line);color:var(--gray)}
        .kind{font-weight:600}
        .kind-permissive{color:#067647}.kind-conditional{color:#175cd3}.kind-non-commercial{color:#b54708}.kind-research-only{color:#b42318}.kind-commercial-api{color:#5925dc}.kind-unknown{color:var(--muted)}
        .kind-badge.kind-permissive{background:var(--ok-bg);border-color:var(--ok-line)}
        .kind-badge.kind-conditional{background:var(--inf-bg);border-color:var(--inf-line)}
        .kind-badge.kind-non-commercial{background:var(--warn-bg);border-color:var(--warn-line)}
        .kind-badge.kind-research-only{background:var(--err-bg);border-color:var(--err-line)}
        .kind-badge.kind-commercial-api{background:var(--waive-bg);border-color:var(--waive-line)}
        .kind-badge.kind-unknown{background:var(--gray-bg);border-color:var(--gray-line)}
        .status-open{background:var(--err-bg);border-color:var(--err-line);color:var(--err)}
        .status-waived{background:var(--waive-bg);border-color:var(--waive-line);color:var(--waive)}
        .status-resolved,.status-baselined{background:var(--ok-bg);border-color:var(--ok-line);color:var(--ok)}
        .status-dot{display:inline-block;width:10px;height:10px;border-radius:50%;background:var(--gray)}
        .status-dot.status-open{background:var(--err)}.status-dot.status-waived{background:var(--waive)}.status-dot.status-resolved{background:var(--ok)}
        .finding-text .rule{display:block;color:var(--muted);font-size:11px;margin:1px 0 3px}
        .finding-text .message{display:block}
        .evidence{display:inline-block;color:var(--ink-2);background:var(--gray-bg);border-radius:4px;padding:0 5px}
        .remedy{color:var(--ink-2)}
        .waiver-note{display:block;margin-top:6px;padding:4px 8px;border-left:3px solid var(--waive);background:var(--waive-bg);color:var(--waive);font-size:11.5px}
        tr.status-row-resolved td{color:var(--muted)}
        tr.status-row-resolved .strong{color:var(--ink-2)}
        .license{border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:8px;padding:14px 18px 12px;margin:0 0 18px}
        .license-failing{border-left-color:var(--err)}
        .license-restricted{border-left-color:#f79009}
        .license-head{display:flex;flex-wrap:wrap;align-items:center;gap:8px 10px;margin-bottom:10px}
        .license-head h3{margin:0;font-size:15px;flex:1 1 100%}
        .license-id{color:var(--muted)}
        .license-score{margin-left:auto;font-size:12px;font-weight:700;padding:2px 10px;border-radius:6px}
        .score-good{background:var(--ok-bg);color:var(--ok)}
        .score-bad{background:var(--err-bg);color:var(--err)}
        .score-neutral{background:var(--gray-bg);color:var(--gray)}
        .license-grid{display:grid;grid-template-columns:minmax(0,1.35fr) minmax(0,1fr);gap:18px;margin-bottom:12px}
        .license h4{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:10px 0 4px}
        html:lang(ko) .license h4{text-transform:none;letter-spacing:0;font-size:12.5px}
        .license h4:first-child{margin-top:0}
        .obligation-list,.restriction-list,.threshold-list{margin:0;padding-left:18px;font-size:12.5px;color:var(--ink-2)}
        .obligation-list li,.restriction-list li,.threshold-list li{margin:2px 0}
        .restriction-list{color:var(--muted)}
        .quote{margin:0;font-weight:600;font-size:14px;color:var(--brand)}
        .quote-inline{font-weight:500}
        .notice{margin:0;padding:8px 12px;background:var(--surface);border-left:3px solid var(--line-2);font-size:12px;color:var(--ink-2)}
        .license-side p.muted{font-size:12.5px;margin:0}
        .license-facts{font-size:11.5px;color:var(--muted);margin:10px 0 0}
        .callout{padding:10px 14px;border-radius:6px;border:1px solid;margin:0 0 10px;font-size:13px}
        .callout-warning{background:var(--warn-bg);border-color:var(--warn-line);color:var(--warn)}
        .chip{display:inline-block;background:var(--gray-bg);border-radius:4px;padding:0 5px;margin:1px 0}
        .check{display:inline-flex;align-items:center;gap:6px;font-weight:600;white-space:nowrap}
        .check-mark{display:inline-flex;justify-content:center;align-items:center;width:18px;height:18px;border-radius:50%;font-size:11px;color:#fff}
        .check-ok{color:var(--ok)}.check-ok .check-mark{background:#17b26a}
        .check-bad{color:var(--err)}.check-bad .check-mark{background:#f04438}
        tr.waiver-expired td{background:var(--err-bg)!important}
        tr.waiver-expired td:first-child{box-shadow:inset 4px 0 0 var(--err)}
        tr.waiver-expiring td:first-child{box-shadow:inset 4px 0 0 #f79009}
        .expiry .badge{margin:3px 0 0;display:table}
        .scope-item{display:block}
        .plain{list-style:none;margin:0;padding:0}
        .plain li{margin:1px 0}
        .terms{margin:0;font-size:12px}
        .terms div{display:flex;justify-content:space-between;gap:10px;border-bottom:1px dotted var(--line-2);padding:1px 0}
        .terms div:last-child{border-bottom:0}
        .terms dt{color:var(--muted)}
        .terms dd{margin:0;font-weight:600;text-align:right}
        .train-yes{color:var(--err)}.train-no{color:var(--ok)}.train-depends-on-tier{color:var(--warn)}
        tr.sensitive td:first-child{box-shadow:inset 4px 0 0 var(--err)}
        .class-public{background:var(--ok-bg);border-color:var(--ok-line);color:var(--ok)}
        .class-internal{background:var(--inf-bg);border-color:var(--inf-line);color:var(--inf)}
        .class-confidential{background:var(--warn-bg);border-color:var(--warn-line);color:var(--warn)}
        .class-restricted{background:var(--err-bg);border-color:var(--err-line);color:var(--err)}
        .class-unknown{background:var(--gray-bg);border-color:var(--gray-line);color:var(--gray)}
        .scan-complete{background:var(--ok-bg);border-color:var(--ok-line);color:var(--ok)}
        .scan-unchanged{background:var(--gray-bg);border-color:var(--gray-line);color:var(--gray)}
        .report-footer{border-top:1px solid var(--line);padding:16px 40px 22px;color:var(--muted);font-size:11.5px;background:var(--surface)}
        .report-footer p{margin:2px 0}
        @media screen and (max-width:900px){.cards{grid-template-columns:1fr 1fr}.meta{grid-template-columns:1fr 1fr;gap:10px}.license-grid{grid-template-columns:1fr}main,.report-header,.toc,.report-footer{padding-left:18px;padding-right:18px}}
        @page{size:A4;margin:14mm 12mm 16mm;@bottom-right{content:counter(page) " / " counter(pages);font-size:8pt;color:#667085}}
        @media print{
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        body{background:#fff;font-size:10pt}
        .page{max-width:none;margin:0;box-shadow:none;border-radius:0;overflow:visible}
        .report-header{background:#fff;color:var(--ink);padding:0 0 14px;border-bottom:3px solid var(--brand)}
        .masthead,.report-header .subtitle{color:var(--muted)}
        .brand{color:var(--brand)}
        .doc-class{border-color:var(--line-2);color:var(--ink-2)}
        .report-header .org{color:var(--ink-2)}
        .meta{border-top-color:var(--line)}
        .meta dt{color:var(--muted)}
        .meta dd{color:var(--ink)}
        .meta{grid-template-columns:1fr 1fr;gap:8px 0}
        .date{white-space:normal}
        .toc{background:#fff;padding:10px 0;border-bottom:1px solid var(--line)}
        .toc h2{display:block;font-size:10pt;margin:0 0 6px;color:var(--muted)}
        .toc ol{display:block;columns:2;font-size:10pt}
        .toc li{margin:2px 0}
        main{padding:0}
        .report-footer{background:#fff;padding:10px 0 0}
        .major{break-before:page;padding-top:0}
        .section h2{break-after:avoid}
        .subsection,.lead,.license-head{break-after:avoid}
        thead{display:table-header-group}
        tr,.card,.chart,.verdict{break-inside:avoid}
        .license-top{break-inside:avoid}
        .table-wrap{overflow:visible;border-radius:0}
        table{font-size:8pt}
        th{font-size:6.5pt;padding:5px 6px}
        td{padding:5px 6px}
        .sub,.loc,.finding-text .rule{font-size:7pt}
        .badge{font-size:6.5pt;padding:0 4px;border-radius:4px;white-space:normal}
        .lead{font-size:9pt}
        .license h4{font-size:7.5pt}
        .obligation-list,.restriction-list,.threshold-list,.notice{font-size:8.5pt}
        .cards{grid-template-columns:1fr 1fr 1.6fr 1.9fr}
        .card,.chart{box-shadow:none}
        a{color:inherit;text-decoration:none}
        }

        """
}
