package io.influxswiftbackup.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * --help's descriptions and command list wrapped at spaces only: picocli's own wrapping also breaks
 * after a dot or a colon, inside "prune.enabled" or "00:45".
 */
final class HelpText {

    static final int WIDTH = 100;
    private static final int NAME_COLUMN = 18;

    private HelpText() {
    }

    /** Applies to {@code commandLine} and every subcommand. */
    static void install(CommandLine commandLine) {
        commandLine.setUsageHelpWidth(WIDTH);
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> paragraphs(help.commandSpec().usageMessage().description()));
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                help -> commandList(help.commandSpec()));
        commandLine.getSubcommands().values().forEach(HelpText::install);
    }

    private static String paragraphs(String[] lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            wrap(line, WIDTH, "").forEach(l -> text.append(l).append(System.lineSeparator()));
        }
        return text.toString();
    }

    private static String commandList(CommandSpec spec) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, CommandLine> command : spec.subcommands().entrySet()) {
            String[] description = command.getValue().getCommandSpec().usageMessage().description();
            List<String> lines = wrap(description.length == 0 ? "" : description[0], WIDTH - NAME_COLUMN, " ".repeat(2));
            for (int i = 0; i < lines.size(); i++) {
                String name = i == 0 ? "  " + command.getKey() : "";
                text.append(String.format("%-" + NAME_COLUMN + "s%s", name, lines.get(i))).append(System.lineSeparator());
            }
        }
        return text.toString();
    }

    /** {@code text} in lines of at most {@code width} characters, broken at spaces, the later ones after {@code indent}. */
    static List<String> wrap(String text, int width, String indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            } else if (line.length() > 0 && !line.toString().equals(indent)) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
