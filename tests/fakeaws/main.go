// Command terraform-provider-aws is a stand-in for the hashicorp/aws provider: it serves the
// provider schema extracted by scripts/extract-aws-schema.mjs and keeps resources in the state
// only, so OpenTofu can validate, plan and apply generated units without an AWS account.
// README.md says what it emulates and what it does not.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"
)

func main() {
	err := tf5server.Serve("registry.opentofu.org/hashicorp/aws", func() tfprotov5.ProviderServer {
		return newServer(os.Getenv(schemaEnv), os.Getenv(driftEnv))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeaws:", err)
		os.Exit(1)
	}
}
