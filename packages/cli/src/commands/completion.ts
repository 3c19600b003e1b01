/** `agentry completion <bash|zsh|fish>`: shell completion scripts generated from the command tree. */
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** A command's visible subcommands and long options. */
interface CommandWords {
  path: string[];
  subcommands: string[];
  options: { flag: string; description: string }[];
  description: string;
}

function collectWords(command: Command, path: string[] = []): CommandWords[] {
  const visible = command.commands.filter((child) => !(child as unknown as { _hidden?: boolean })._hidden);
  const own: CommandWords = {
    path,
    subcommands: visible.map((child) => child.name()),
    options: command.options
      .filter((option) => option.long !== undefined && !option.hidden)
      .map((option) => ({ flag: option.long!, description: option.description })),
    description: command.description(),
  };
  own.options.push({ flag: '--help', description: 'show help' });
  return [own, ...visible.flatMap((child) => collectWords(child, [...path, child.name()]))];
}

function bash(words: CommandWords[]): string {
  const paths = words.filter((entry) => entry.path.length > 0).map((entry) => `"${entry.path.join(' ')}"`);
  const cases = words
    .map(
      (entry) =>
        `    "${entry.path.join(' ')}") candidates="${[...entry.subcommands, ...entry.options.map((option) => option.flag)].join(' ')}" ;;`,
    )
    .join('\n');
  return `# agentry bash completion. Add to ~/.bashrc:  source <(agentry completion bash)
_agentry_complete() {
  local current="\${COMP_WORDS[COMP_CWORD]}" path="" word next candidates=""
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) continue ;; esac
    next="\${path:+$path }$word"
    case "$next" in
      ${paths.join('|')}) path="$next" ;;
    esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$candidates" -- "$current") )
}
complete -F _agentry_complete agentry
`;
}

function zsh(words: CommandWords[]): string {
  return `#compdef agentry
# agentry zsh completion. Add to ~/.zshrc:  source <(agentry completion zsh)
${bash(words).replace('# agentry bash completion. Add to ~/.bashrc:  source <(agentry completion bash)\n', '')}`.replace(
    /^/,
    'autoload -U +X bashcompinit && bashcompinit\n',
  );
}

function fishEscape(text: string): string {
  return text.replaceAll("'", "\\'");
}

function fish(words: CommandWords[]): string {
  const lines = [
    '# agentry fish completion. Save as ~/.config/fish/completions/agentry.fish',
    'complete -c agentry -f',
  ];
  for (const entry of words) {
    const condition =
      entry.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${entry.path[entry.path.length - 1]}`;
    for (const subcommand of entry.subcommands) {
      const child = words.find(
        (candidate) => candidate.path.join(' ') === [...entry.path, subcommand].join(' '),
      );
      lines.push(
        `complete -c agentry -n '${condition}' -a ${subcommand} -d '${fishEscape(child?.description ?? '')}'`,
      );
    }
    for (const option of entry.options) {
      lines.push(
        `complete -c agentry -n '${condition}' -l ${option.flag.slice(2)} -d '${fishEscape(option.description)}'`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script of `shell` for the command tree of `program`. */
export function completionScript(program: Command, shell: Shell): string {
  const words = collectWords(program);
  return shell === 'bash' ? bash(words) : shell === 'zsh' ? zsh(words) : fish(words);
}

export function registerCompletion(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('completion')
    .description('Print a shell completion script')
    .argument('[shell]', SHELLS.join(' | '))
    .action(
      action(context, exit, async (shell: string | undefined) => {
        if (shell === undefined) {
          throw new UsageError(
            `Which shell? Give one of: ${SHELLS.join(', ')}.`,
            `Usage: agentry completion <${SHELLS.join('|')}>, e.g. source <(agentry completion bash).`,
          );
        }
        if (!(SHELLS as readonly string[]).includes(shell)) {
          throw new UsageError(
            `No completion for "${shell}".${didYouMean(shell, SHELLS)}`,
            `Shells: ${SHELLS.join(', ')}.`,
          );
        }
        context.io.stdout.write(completionScript(program, shell as Shell));
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['source <(agentry completion bash)', 'bash, this shell'],
    ['agentry completion zsh > ~/.zsh/_agentry', 'zsh'],
    ['agentry completion fish > ~/.config/fish/completions/agentry.fish', 'fish'],
  ]);
}
