package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// completionCommand is `lunas completion bash|zsh`: a completion script
// generated from the same command tree the help comes from, so the two
// never disagree.
func completionCommand(root *command) *command {
	return &command{
		name: "completion", args: "bash|zsh", minArgs: 1, maxArgs: 1, choices: []string{"bash", "zsh"},
		summary: "print a shell completion script for bash or zsh",
		about: `
bash:  lunas completion bash > /etc/bash_completion.d/lunas
       (or: source <(lunas completion bash) in ~/.bashrc)
zsh:   lunas completion zsh > "${fpath[1]}/_lunas"   then restart zsh
       (or: source <(lunas completion zsh) in ~/.zshrc, after compinit)`,
		run: func(_ context.Context, inv *invocation) error {
			switch inv.args[0] {
			case "bash":
				writeBash(inv.stdout, root)
			case "zsh":
				writeZsh(inv.stdout, root)
			default:
				return inv.usageError("no completion for %q: bash or zsh", inv.args[0])
			}
			return nil
		},
	}
}

// completionFlag is what completion needs to know of a flag.
type completionFlag struct {
	name, usage string
	takesValue  bool
	value       string   // "file", "directory", or another value name
	choices     []string // the values a choice flag takes
}

func completionFlags(c *command) []completionFlag {
	var out []completionFlag
	c.flagSet().VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		bf, isBool := f.Value.(interface{ IsBoolFlag() bool })
		cf := completionFlag{name: f.Name, usage: usage, takesValue: !isBool || !bf.IsBoolFlag(), value: value}
		if c, ok := f.Value.(*choiceValue); ok {
			cf.choices = c.choices
		}
		out = append(out, cf)
	})
	return out
}

// leaves calls fn for every command that runs, with its words after lunas.
func leaves(c *command, fn func(words string, c *command)) {
	for _, s := range c.subs {
		if s.subs != nil {
			leaves(s, fn)
			continue
		}
		fn(strings.TrimPrefix(s.path(), "lunas "), s)
	}
}

func names(cs []*command) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.name)
	}
	return strings.Join(out, " ")
}

func writeBash(w io.Writer, root *command) {
	fmt.Fprintf(w, `# bash completion for lunas, written by "lunas completion bash".
_lunas() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd=${COMP_WORDS[1]} flags="" words="" files="" fileflags="" dirflags="" valueflags=""
    COMPREPLY=()
    if (( COMP_CWORD == 1 )); then
        COMPREPLY=($(compgen -W "%s" -- "$cur"))
        return
    fi
    case $cmd in
`, names(root.subs))
	for _, g := range root.subs {
		if g.subs == nil {
			continue
		}
		fmt.Fprintf(w, `    %s)
        if (( COMP_CWORD == 2 )); then
            COMPREPLY=($(compgen -W "%s" -- "$cur"))
            return
        fi
        cmd="$cmd ${COMP_WORDS[2]}"
        ;;
`, g.name, names(g.subs))
	}
	fmt.Fprintln(w, "    esac\n    case $cmd in")
	leaves(root, func(words string, c *command) {
		var flags, files, dirs, values []string
		for _, f := range completionFlags(c) {
			flags = append(flags, "--"+f.name)
			switch {
			case !f.takesValue:
			case f.value == "file":
				files = append(files, "--"+f.name)
			case f.value == "directory":
				dirs = append(dirs, "--"+f.name)
			default:
				values = append(values, "--"+f.name)
			}
		}
		fmt.Fprintf(w, "        %q)\n            flags=%q\n", words, strings.Join(append(flags, "--help"), " "))
		for _, f := range completionFlags(c) {
			if f.choices != nil {
				fmt.Fprintf(w, "            [[ $prev == --%s ]] && COMPREPLY=($(compgen -W %q -- \"$cur\")) && return\n", f.name, strings.Join(f.choices, " "))
			}
		}
		for _, v := range []struct{ name, list string }{
			{"fileflags", strings.Join(files, " ")}, {"dirflags", strings.Join(dirs, " ")},
			{"valueflags", strings.Join(values, " ")}, {"words", strings.Join(c.choices, " ")},
		} {
			if v.list != "" {
				fmt.Fprintf(w, "            %s=%q\n", v.name, v.list)
			}
		}
		if c.files {
			fmt.Fprintln(w, "            files=1")
		}
		fmt.Fprintln(w, "            ;;")
	})
	fmt.Fprint(w, `    esac
    case " $fileflags " in *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
    case " $dirflags " in *" $prev "*) COMPREPLY=($(compgen -d -- "$cur")); return ;; esac
    case " $valueflags " in *" $prev "*) return ;; esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ -n $files ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    fi
}
complete -o filenames -F _lunas lunas
`)
}

func writeZsh(w io.Writer, root *command) {
	fmt.Fprint(w, `#compdef lunas
# zsh completion for lunas, written by "lunas completion zsh".
_lunas() {
  local cmd
  local -a commands
  if (( CURRENT == 2 )); then
    commands=(
`)
	for _, c := range root.subs {
		fmt.Fprintf(w, "      %s\n", zshQuote(c.name+":"+c.summary))
	}
	fmt.Fprint(w, `    )
    _describe -t commands 'lunas command' commands
    return
  fi
  cmd=${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
`)
	for _, g := range root.subs {
		if g.subs == nil {
			continue
		}
		fmt.Fprintf(w, "    (%s)\n      if (( CURRENT == 2 )); then\n        commands=(\n", g.name)
		for _, c := range g.subs {
			fmt.Fprintf(w, "          %s\n", zshQuote(c.name+":"+c.summary))
		}
		fmt.Fprintf(w, `        )
        _describe -t commands 'lunas %s command' commands
        return
      fi
      cmd="$cmd ${words[2]}"
      shift words
      (( CURRENT-- ))
      ;;
`, g.name)
	}
	fmt.Fprintln(w, "  esac\n  case $cmd in")
	leaves(root, func(words string, c *command) {
		specs := []string{zshQuote("(- *)" + "--help[print this help]"), zshQuote("(- *)" + "-h[print this help]")}
		for _, f := range completionFlags(c) {
			desc := zshEscape(f.usage)
			switch {
			case !f.takesValue:
				specs = append(specs, zshQuote("--"+f.name+"["+desc+"]"))
			case f.value == "file":
				specs = append(specs, zshQuote("--"+f.name+"=["+desc+"]:file:_files"))
			case f.value == "directory":
				specs = append(specs, zshQuote("--"+f.name+"=["+desc+"]:directory:_files -/"))
			case f.choices != nil:
				specs = append(specs, zshQuote("--"+f.name+"=["+desc+"]:"+f.value+":("+strings.Join(f.choices, " ")+")"))
			default:
				specs = append(specs, zshQuote("--"+f.name+"=["+desc+"]:"+f.value+": "))
			}
		}
		switch {
		case c.files:
			specs = append(specs, zshQuote("1:file:_files"))
		case c.choices != nil:
			specs = append(specs, zshQuote("1:"+strings.ToLower(strings.Trim(c.args, "[]"))+":("+strings.Join(c.choices, " ")+")"))
		}
		fmt.Fprintf(w, "    (%s)\n      _arguments -s \\\n        %s\n      ;;\n", zshQuote(words), strings.Join(specs, " \\\n        "))
	})
	fmt.Fprint(w, `  esac
}
if [[ $funcstack[1] == _lunas ]]; then
  _lunas "$@"
else
  compdef _lunas lunas
fi
`)
}

// zshQuote quotes s for zsh in single quotes.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// zshEscape makes s safe inside an _arguments description, where brackets
// and colons are syntax.
func zshEscape(s string) string {
	return strings.NewReplacer("[", "(", "]", ")", ":", `\:`).Replace(s)
}
