import ArgumentParser
import ModelwardenManifests

/// How `check` and `scan` walk folders.
struct WalkOptions: ParsableArguments {
    @Flag(name: .long, help: "Also read what .gitignore, .git/info/exclude and .gitattributes (linguist-vendored, -generated, -documentation) leave out. Version-control, cache and vendored dependency folders stay skipped.")
    var noIgnore = false

    var discovery: DiscoveryOptions { DiscoveryOptions(useIgnoreFiles: !noIgnore) }
}
