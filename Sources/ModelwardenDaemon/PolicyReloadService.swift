import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the policy folder and the API token, then rescans under the new policies. SIGHUPs that arrive
/// during a reload make one more reload, not one each: a reload reads everything again, and queueing one per signal
/// let a burst of them (the soak sent one every 2 s while scans took longer) keep the daemon busy for minutes, past
/// SIGTERM.
public struct PolicyReloadService: Service {
    let coordinator: ScanCoordinator
    let token: AccessToken
    let pushTokens: PushTokens
    let logger: Logger

    public init(coordinator: ScanCoordinator, token: AccessToken, pushTokens: PushTokens = PushTokens(tokens: []), logger: Logger) {
        self.pushTokens = pushTokens
        self.coordinator = coordinator
        self.token = token
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let coordinator = self.coordinator, token = self.token, pushTokens = self.pushTokens, logger = self.logger
        let (pending, request) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in signals { request.yield() }
                    request.finish()
                }
                group.addTask {
                    for await _ in pending where !Task.isCancelled {
                        logger.notice("SIGHUP: reloading policies")
                        if let problem = token.reload() {
                            logger.error("the token file could not be read again; the previous token stays", metadata: ["error": "\(problem)"])
                        }
                        if let problem = pushTokens.reload() {
                            logger.error("the push token file could not be read again; the previous tokens stay", metadata: ["error": "\(problem)"])
                        }
                        if await coordinator.reloadPolicies(), !Task.isCancelled {
                            _ = await coordinator.scan(reason: "policy reload")
                        }
                    }
                }
            }
        }
    }
}
