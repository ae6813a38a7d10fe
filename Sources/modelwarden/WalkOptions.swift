import ArgumentParser
import ModelwardenManifests

/// How `check`, `scan` and `report` walk folders.
struct WalkOptions: ParsableArguments {
    // `Check.init?(plainArguments:)` sets each of these, defaults included: a new option goes there too.
    @Flag(name: .long, help: "Also read what .gitignore, .git/info/exclude and .gitattributes (linguist-vendored, -generated, -documentation) leave out. Version-control, cache and vendored dependency folders stay skipped.")
    var noIgnore = false

    @Flag(name: .long, help: "Follow symbolic links whose target is outside the scanned folders. Without it such a link is a warning and is not read.")
    var followSymlinks = false

    var discovery: DiscoveryOptions { DiscoveryOptions(useIgnoreFiles: !noIgnore, followSymlinks: followSymlinks) }
}
