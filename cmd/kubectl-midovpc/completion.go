package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
)

func init() {
	register("completion", command{
		Summary: "print a shell completion script: completion bash|zsh|fish",
		Run:     runCompletion,
	})
}

const completionSynopsis = programName + " completion bash|zsh|fish" + `

  bash:  source <(kubectl-midovpc completion bash)
  zsh:   source <(kubectl-midovpc completion zsh)
  fish:  kubectl-midovpc completion fish | source

The scripts ask "` + programName + ` completion words ARGS..." for the candidates, so
commands and flags added later complete without a new script.`

// The scripts complete commands, then the flags of the command being typed.
var completionScripts = map[string]string{
	"bash": `_kubectl_midovpc() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=( $(compgen -W "$(kubectl-midovpc completion words "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)" -- "$cur") )
}
complete -o default -F _kubectl_midovpc kubectl-midovpc
`,
	"zsh": `#compdef kubectl-midovpc
_kubectl_midovpc() {
  local -a candidates
  candidates=(${(f)"$(kubectl-midovpc completion words ${words[2,CURRENT-1]} 2>/dev/null)"})
  compadd -a candidates
}
compdef _kubectl_midovpc kubectl-midovpc
`,
	"fish": `complete -c kubectl-midovpc -f -a '(kubectl-midovpc completion words (commandline -opc)[2..-1] 2>/dev/null)'
`,
}

func runCompletion(args []string, stdout, stderr io.Writer) int {
	if len(args) >= 1 && args[0] == "words" {
		for _, w := range completionWords(args[1:]) {
			fmt.Fprintln(stdout, w)
		}
		return exitOK
	}
	if len(args) == 1 {
		if script, ok := completionScripts[args[0]]; ok {
			io.WriteString(stdout, script)
			return exitOK
		}
	}
	w := stderr
	code := exitUsage
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		w, code = stdout, exitOK
	}
	fmt.Fprintf(w, "Usage:\n  %s\n", completionSynopsis)
	return code
}

// completionWords are the candidates after the words already typed (program name left out):
// the command names first, then the flags of the command, read from its -h output.
func completionWords(typed []string) []string {
	if len(typed) == 0 {
		names := []string{"help"}
		for name := range commands {
			names = append(names, name)
		}
		slices.Sort(names)
		return names
	}
	c, found := commands[typed[0]]
	if !found || typed[0] == "completion" {
		if typed[0] == "completion" && len(typed) == 1 {
			return []string{"bash", "fish", "zsh"}
		}
		return nil
	}
	var usage bytes.Buffer
	c.Run([]string{"-h"}, &usage, io.Discard)
	var flags []string
	sc := bufio.NewScanner(&usage)
	for sc.Scan() {
		// flag.PrintDefaults writes "  -name type" lines.
		line := strings.TrimSpace(sc.Text())
		if name, ok := strings.CutPrefix(line, "-"); ok && strings.HasPrefix(sc.Text(), "  -") {
			name, _, _ = strings.Cut(name, " ")
			flags = append(flags, "--"+name)
		}
	}
	return flags
}
