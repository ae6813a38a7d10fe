import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the policy folder and the API token, then rescans under the new policies.
public struct PolicyReloadService: Service {
    let coordinator: ScanCoordinator
    let token: AccessToken
    let logger: Logger

    public init(coordinator: ScanCoordinator, token: AccessToken, logger: Logger) {
        self.coordinator = coordinator
        self.token = token
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let coordinator = self.coordinator, token = self.token, logger = self.logger
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.notice("SIGHUP: reloading policies")
                if let problem = token.reload() {
                    logger.error("the token file could not be read again; the previous token stays", metadata: ["error": "\(problem)"])
                }
                if await coordinator.reloadPolicies() {
                    _ = await coordinator.scan(reason: "policy reload")
                }
            }
        }
    }
}
