/*
 * libyaml_events: the floor for Modelwarden's benchmarks, plain libyaml event parsing.
 *
 *   libyaml_events PATH...        files, or folders walked recursively for *.yaml / *.yml
 *   libyaml_events -l LISTFILE    one path per line ("-" reads the list from stdin)
 *
 * For every file: read it whole into memory (as Modelwarden does), then run libyaml's event
 * parser over it (yaml_parser_parse until STREAM-END, each event deleted at once; no tree, no
 * scalars copied). Single-threaded. Prints one line: files, documents, events, bytes, errors.
 * A file that fails to parse is counted as an error and the run goes on; exit 1 if any.
 *
 * Build: cc -O2 -o libyaml_events libyaml_events.c -lyaml
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static unsigned long files, documents, events, errors;
static unsigned long long bytes;
static unsigned char *buffer;
static size_t capacity;

static int has_yaml_suffix(const char *path) {
    size_t n = strlen(path);
    return (n > 5 && strcmp(path + n - 5, ".yaml") == 0) || (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

static void parse_file(const char *path) {
    FILE *fh = fopen(path, "rb");
    if (!fh) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        errors++;
        return;
    }
    size_t length = 0;
    for (;;) {
        if (length == capacity) {
            capacity = capacity ? capacity * 2 : 1 << 16;
            buffer = realloc(buffer, capacity);
            if (!buffer) {
                perror("realloc");
                exit(2);
            }
        }
        size_t got = fread(buffer + length, 1, capacity - length, fh);
        length += got;
        if (got == 0) break;
    }
    fclose(fh);
    files++;
    bytes += length;

    yaml_parser_t parser;
    yaml_event_t event;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "yaml_parser_initialize failed\n");
        exit(2);
    }
    yaml_parser_set_input_string(&parser, buffer, length);
    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%lu:%lu: %s\n", path, (unsigned long)parser.problem_mark.line + 1,
                    (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
            errors++;
            break;
        }
        events++;
        yaml_event_type_t type = event.type;
        if (type == YAML_DOCUMENT_START_EVENT) documents++;
        yaml_event_delete(&event);
        if (type == YAML_STREAM_END_EVENT) break;
    }
    yaml_parser_delete(&parser);
}

static int visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)ftw;
    if (flag == FTW_F && has_yaml_suffix(path)) parse_file(path);
    return 0;
}

static void walk(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        errors++;
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        if (nftw(path, visit, 32, FTW_PHYS) != 0) {
            fprintf(stderr, "%s: walk failed: %s\n", path, strerror(errno));
            errors++;
        }
    } else {
        parse_file(path);
    }
}

static void read_list(const char *listfile) {
    FILE *fh = strcmp(listfile, "-") == 0 ? stdin : fopen(listfile, "r");
    if (!fh) {
        fprintf(stderr, "%s: %s\n", listfile, strerror(errno));
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fh)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (n > 0) walk(line);
    }
    free(line);
    if (fh != stdin) fclose(fh);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH... | -l LISTFILE\n", argv[0]);
        return 64;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
            read_list(argv[++i]);
        } else {
            walk(argv[i]);
        }
    }
    printf("files=%lu documents=%lu events=%lu bytes=%llu errors=%lu\n", files, documents, events, bytes, errors);
    free(buffer);
    return errors ? 1 : 0;
}
