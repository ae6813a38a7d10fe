import ArgumentParser
import Foundation
import ModelwardenCore

extension Modelwarden {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a commented .modelwarden.yaml for a repository: the organisation, waivers, rule settings and ignores.",
            discussion: "The file starts neutral (nothing approved, no facts assumed), so it changes no verdict until you fill it in.")

        @Argument(help: "The folder to write it in (default: the working folder).")
        var directory: String = "."

        @Flag(name: .long, help: "Replace an existing .modelwarden.yaml.")
        var force = false

        func run() throws {
            let path = (directory as NSString).appendingPathComponent(".modelwarden.yaml")
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                printError("modelwarden: \(directory) is not a folder")
                throw ExitCode(2)
            }
            if FileManager.default.fileExists(atPath: path) && !force {
                printError("modelwarden: \(path) exists; pass --force to replace it")
                throw ExitCode(1)
            }
            do {
                try Data(ConfigurationTemplate.text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                printError("modelwarden: cannot write \(path): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            print("wrote \(path): declare your organisation there, then run `modelwarden policy show` and `modelwarden check .`")
        }
    }
}
