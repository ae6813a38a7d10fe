import ServiceLifecycle

/// Keeps systemd's watchdog fed (at half its interval, as sd_watchdog_enabled(3) advises) and says STOPPING=1 as
/// soon as a graceful shutdown begins. The ping goes through the scan coordinator, so an actor that stopped
/// answering stops the pings and systemd restarts the service.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let coordinator: ScanCoordinator

    public init(notifier: SystemdNotifier, coordinator: ScanCoordinator) {
        self.notifier = notifier
        self.coordinator = coordinator
    }

    public func run() async throws {
        let notifier = self.notifier, coordinator = self.coordinator
        await withGracefulShutdownHandler {
            try? await cancelWhenGracefulShutdown {
                guard let interval = notifier.watchdogInterval else {
                    try await gracefulShutdown()
                    return
                }
                while true {
                    _ = await coordinator.isReady
                    notifier.watchdog()
                    try await Task.sleep(for: interval / 2)
                }
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }
}
