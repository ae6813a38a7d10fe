import Foundation
import Logging
import ModelwardenDaemon
import Testing

@Suite("Daemon configuration, notify protocol, logs and token")
struct DaemonConfigurationTests {
    @Test("durations as written in configs")
    func durations() {
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("15m") == .seconds(900))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("1d") == .seconds(86400))
        for bad in ["", "15", "m", "1x", "-5s", "1.5h"] { #expect(DurationText.parse(bad) == nil, "\(bad)") }
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
    }

    @Test("listen addresses, and which are loopback")
    func listenAddresses() {
        #expect(ListenAddress("127.0.0.1:9464") == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(ListenAddress("[::1]:9464") == ListenAddress(host: "::1", port: 9464))
        #expect(ListenAddress("localhost:80")?.isLoopback == true)
        #expect(ListenAddress("[::1]:1")?.isLoopback == true)
        #expect(ListenAddress("0.0.0.0:9464")?.isLoopback == false)
        #expect(ListenAddress("10.0.0.5:9464")?.isLoopback == false)
        for bad in ["9464", ":9464", "host:", "host:70000", "[::1]9464"] { #expect(ListenAddress(bad) == nil, "\(bad)") }
    }

    @Test("a configuration file is read and checked like a policy file")
    func configurationFile() {
        let (configuration, diagnostics) = DaemonConfiguration.parse(Array("""
            watch:
              - /srv/deployments
              - /etc/llm
            policies: /usr/share/modelwarden/policies
            database: /var/lib/modelwarden/mw.sqlite
            interval: 5m
            debounce: 500ms
            listen: 127.0.0.1:9500
            log_level: debug
            """.utf8), file: "m.yaml")
        #expect(diagnostics.isEmpty)
        #expect(configuration?.watch == ["/srv/deployments", "/etc/llm"])
        #expect(configuration?.interval == .seconds(300))
        #expect(configuration?.debounce == .milliseconds(500))
        #expect(configuration?.listen.port == 9500)
        #expect(configuration?.logLevel == .debug)

        let bad = DaemonConfiguration.parse(Array("watch: /srv\nlisten: everywhere\nlog_level: loud\n".utf8), file: "m.yaml")
        #expect(bad.configuration == nil)
        #expect(bad.diagnostics.map(\.description) == [
            "m.yaml:2:9: error: at 'listen': 'everywhere' is not HOST:PORT (examples: 127.0.0.1:9464, [::1]:9464)",
            "m.yaml:3:12: error: at 'log_level': 'loud' is not one of trace, debug, info, notice, warning, error, critical",
        ])
        let broken = DaemonConfiguration.parse(Array("watch: [a\n".utf8), file: "m.yaml")
        #expect(broken.configuration == nil && broken.diagnostics.first?.location.line == 2)
    }

    @Test("user_tool_configs: a folder or a list of folders, checked with file, line and column, relative to the file")
    func userToolConfigs() throws {
        let list = DaemonConfiguration.parse(Array("watch: /srv\nuser_tool_configs: [/home/alice, /etc/codex]\n".utf8), file: "m.yaml")
        #expect(list.diagnostics.isEmpty && list.configuration?.userToolConfigs == ["/home/alice", "/etc/codex"])
        let single = DaemonConfiguration.parse(Array("user_tool_configs: /home/alice\n".utf8), file: "m.yaml")
        #expect(single.configuration?.userToolConfigs == ["/home/alice"])
        #expect(DaemonConfiguration.parse(Array("watch: /srv\n".utf8), file: "m.yaml").configuration?.userToolConfigs == [])

        let bad = DaemonConfiguration.parse(Array("""
            watch: /srv
            user_tool_configs:
              - /home/alice
              - ""
              - [nested]
            """.utf8), file: "m.yaml")
        #expect(bad.configuration == nil)
        #expect(bad.diagnostics.map(\.description) == [
            "m.yaml:5:5: error: at 'user_tool_configs[2]': expected a string, found list",
            "m.yaml:4:5: error: at 'user_tool_configs[1]': expected a folder, found an empty string",
        ])
        let mapping = DaemonConfiguration.parse(Array("user_tool_configs: {alice: /home/alice}\n".utf8), file: "m.yaml")
        #expect(mapping.configuration == nil)
        #expect(mapping.diagnostics.map(\.description) == ["m.yaml:1:20: error: at 'user_tool_configs': expected a list of strings, found mapping"])
        let misspelt = DaemonConfiguration.parse(Array("user_tool_config: [/home/alice]\n".utf8), file: "m.yaml")
        #expect(misspelt.diagnostics.first?.description == "m.yaml:1:1: error: at 'user_tool_config': unknown key 'user_tool_config' (did you mean 'user_tool_configs'?)")

        let folder = try TempFolder()
        let path = try folder.write("etc/modelwarden.yaml", "watch: [/srv]\nuser_tool_configs: [../home/alice, /etc/codex]\n")
        let configuration = try #require(DaemonConfiguration.load(path: path).configuration)
        #expect(configuration.userToolConfigs == [URL(fileURLWithPath: folder.path).standardizedFileURL.path + "/home/alice", "/etc/codex"])
    }

    @Test("relative paths in a configuration file are relative to that file")
    func relativePaths() throws {
        let folder = try TempFolder()
        let path = try folder.write("etc/modelwarden.yaml", "watch: [manifests, /srv/abs]\npolicies: ../policies\ndatabase: state/mw.sqlite\n")
        let configuration = try #require(DaemonConfiguration.load(path: path).configuration)
        let etc = URL(fileURLWithPath: folder.path + "/etc").standardizedFileURL.path
        #expect(configuration.watch == [etc + "/manifests", "/srv/abs"])
        #expect(configuration.policies == URL(fileURLWithPath: folder.path).standardizedFileURL.path + "/policies")
        #expect(configuration.database == etc + "/state/mw.sqlite")
    }

    @Test("what no single key shows: nothing to watch, an exposed API without a token")
    func validation() {
        var configuration = DaemonConfiguration()
        #expect(configuration.validate().contains { $0.contains("nothing to watch") })
        configuration.watch = ["/srv"]
        #expect(configuration.validate().isEmpty)
        configuration.listen = ListenAddress(host: "0.0.0.0", port: 9464)
        #expect(configuration.validate().contains { $0.contains("requires a token") })
        configuration.tokenFile = "/etc/modelwarden/token"
        #expect(configuration.validate().isEmpty)
    }

    @Test("sd_notify datagrams reach the socket; no socket, no datagram")
    func notifier() throws {
        let folder = try TempFolder()
        let listener = try NotifyListener(path: folder.path + "/n.sock")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "2000000"])
        #expect(notifier.watchdogInterval == .seconds(2))
        notifier.ready(status: "scan 1 complete")
        #expect(listener.waitFor("READY=1", timeout: 2) == "READY=1\nSTATUS=scan 1 complete")
        notifier.reloading()
        #expect(listener.waitFor("RELOADING=1", timeout: 2)?.contains("MONOTONIC_USEC=") == true)
        let silent = SystemdNotifier(environment: [:])
        #expect(!silent.isActive && !silent.send("READY=1"))
        // The watchdog belongs to another process.
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
    }

    /// A receiver that stops reading (a benchmark after READY=1) once made the scanner block in `sendto` for good.
    @Test("a notify socket nobody reads never blocks the sender")
    func notifierDoesNotBlock() throws {
        let folder = try TempFolder()
        let listener = try NotifyListener(path: folder.path + "/n.sock")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path])
        let started = Date()
        let delivered = (0..<500).filter { notifier.send("STATUS=scan \($0) complete") }.count
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(delivered > 0 && delivered < 500)
        #expect(listener.waitFor("scan 0 complete", timeout: 2) != nil)
    }

    @Test("journald lines carry the syslog priority; other lines a timestamp; metadata is key=value")
    func logFormat() {
        let journal = JournalLogHandler(label: "t", level: .info, style: .journal)
        #expect(journal.format(level: .warning, message: "cannot watch", metadata: ["path": "/srv/a b", "n": "3"])
            == #"<4>warning: cannot watch n=3 path="/srv/a b""#)
        #expect(journal.format(level: .info, message: "two\nlines", metadata: nil) == "<6>info: two lines")
        let plain = JournalLogHandler(label: "t", level: .info, style: .plain)
        let line = plain.format(level: .error, message: "x", metadata: nil)
        #expect(line.hasSuffix(" error: x") && !line.contains("\u{1B}"))
    }

    @Test("the token is compared by digest and needs 16 characters")
    func token() throws {
        let token = AccessToken(token: "0123456789abcdef")
        #expect(token.isRequired)
        #expect(token.accepts("0123456789abcdef"))
        #expect(!token.accepts("0123456789abcdeF"))
        #expect(!token.accepts(""))
        #expect(try !AccessToken(file: nil).isRequired)
        let folder = try TempFolder()
        let short = try folder.write("short", "abc\n")
        #expect(throws: DaemonFailure.self) { try AccessToken(file: short) }
        #expect(throws: DaemonFailure.self) { try AccessToken(file: folder.path + "/missing") }
    }
}
