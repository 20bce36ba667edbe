package stages

import (
	"fmt"
	"io"
	"strings"
)

// Formats accepted by WriteDAG.
var Formats = []string{"text", "mermaid", "dot"}

// WriteDAG draws the stage graph in format "text" (each stage with what it
// needs and makes), "mermaid" (a flowchart for Markdown) or "dot"
// (Graphviz).
func WriteDAG(w io.Writer, specs []Spec, format string) error {
	edges := Edges(specs)
	var b strings.Builder
	switch format {
	case "text", "":
		for _, sp := range specs {
			var after []string
			for _, e := range edges {
				if e.To == sp.Name {
					after = append(after, e.From)
				}
			}
			fmt.Fprintf(&b, "%s", sp.Name)
			if sp.Section != "" {
				fmt.Fprintf(&b, "  (params: %s)", sp.Section)
			}
			b.WriteString("\n")
			if len(after) > 0 {
				fmt.Fprintf(&b, "  after: %s\n", strings.Join(after, " "))
			}
			fmt.Fprintf(&b, "  needs: %s\n", strings.Join(sp.Inputs, " "))
			fmt.Fprintf(&b, "  makes: %s\n", strings.Join(sp.Outputs, " "))
		}
	case "mermaid":
		b.WriteString("flowchart TD\n")
		for _, sp := range specs {
			fmt.Fprintf(&b, "  %s[%s]\n", mermaidID(sp.Name), sp.Name)
		}
		for _, e := range edges {
			fmt.Fprintf(&b, "  %s --> %s\n", mermaidID(e.From), mermaidID(e.To))
		}
	case "dot":
		b.WriteString("digraph pipeline {\n  rankdir=LR;\n  node [shape=box];\n")
		for _, sp := range specs {
			fmt.Fprintf(&b, "  %q;\n", sp.Name)
		}
		for _, e := range edges {
			fmt.Fprintf(&b, "  %q -> %q;\n", e.From, e.To)
		}
		b.WriteString("}\n")
	default:
		return fmt.Errorf("unknown graph format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidID turns a stage name into a Mermaid node id (no dashes).
func mermaidID(name string) string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(name)
}
