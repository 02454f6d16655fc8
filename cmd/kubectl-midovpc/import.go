package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/midovpc/midovpc/internal/globalview"
)

func init() {
	register("import", command{
		Summary: "print a global_network_info.xml as midovpc objects (YAML for kubectl apply)",
		Run:     runImport,
	})
}

const importSynopsis = programName + " import FILE [--namespace " + globalview.DefaultNamespace + "]"

// runImport projects a view file as the manager would and prints the objects as YAML
// documents, for people who keep their VPCs in Git. A view the manager would reject is
// refused here too, with every error found.
func runImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	namespace := fs.String("namespace", globalview.DefaultNamespace, "namespace of the projected objects")
	fs.StringVar(namespace, "n", globalview.DefaultNamespace, "same as --namespace")
	files, code, done := parseArgs(fs, importSynopsis, args, stdout, stderr)
	if done {
		return code
	}
	if len(files) != 1 {
		return usageError(fs, stderr, fmt.Errorf("want one FILE, got %d", len(files)))
	}
	path := files[0]
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s import: %v\n", programName, err)
		return exitError
	}
	p, err := globalview.ProjectDocument(data, *namespace)
	if err != nil {
		fmt.Fprintf(stderr, "%s import: %s is not a usable global network view:\n", programName, path)
		var verrs globalview.ValidationErrors
		if errors.As(err, &verrs) {
			for _, fe := range verrs {
				fmt.Fprintf(stderr, "  %s\n", fe.Error())
			}
		} else {
			fmt.Fprintf(stderr, "  %v\n", err)
		}
		return exitError
	}
	if err := globalview.WriteYAML(stdout, p); err != nil {
		fmt.Fprintf(stderr, "%s import: %v\n", programName, err)
		return exitError
	}
	return exitOK
}

// parseArgs parses flags placed before or after the positional arguments (the flag
// package stops at the first argument that is not a flag) and returns the positional ones.
func parseArgs(fs *flag.FlagSet, synopsis string, args []string, stdout, stderr io.Writer) (files []string, code int, done bool) {
	fs.SetOutput(io.Discard)
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			// parseFlags prints the usage or the error the way every subcommand does.
			code, _ := parseFlags(fs, synopsis, rest, stdout, stderr)
			return nil, code, true
		}
		if fs.NArg() == 0 {
			return files, exitOK, false
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}
