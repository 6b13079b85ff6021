package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// schemaEnv names the environment variable with the path of the extracted schema JSON
// (build/aws-schema.json, written by scripts/extract-aws-schema.mjs).
const schemaEnv = "EURUS_FAKEAWS_SCHEMA"

// jsonArg is one argument of the extracted schema (see scripts/extract-aws-schema.mjs).
type jsonArg struct {
	Shape     string                     `json:"shape"`
	Required  bool                       `json:"required"`
	MaxOne    bool                       `json:"max_one"`
	Attribute bool                       `json:"attribute"`
	Arguments map[string]jsonArg         `json:"arguments"`
	Type      json.RawMessage            `json:"type"`
	Computed  map[string]json.RawMessage `json:"computed"`
}

type jsonType struct {
	Arguments map[string]jsonArg         `json:"arguments"`
	Computed  map[string]json.RawMessage `json:"computed"`
}

type jsonDoc struct {
	Format          int                 `json:"format"`
	Revision        int                 `json:"revision"`
	ProviderVersion string              `json:"provider_version"`
	Provider        jsonType            `json:"provider"`
	Resources       map[string]jsonType `json:"resources"`
	DataSources     map[string]jsonType `json:"data_sources"`
}

// attr is one attribute of a block as the fake provider plans it.
type attr struct {
	typ      tftypes.Type
	required bool
	optional bool
	computed bool // set by the provider when the configuration leaves it null
}

// nested is a nested block: always a list (the assembly cannot tell sets from lists).
type nested struct {
	block    *block
	min, max int
}

// block is the schema of one object: a resource, a data source, the provider or a nested block.
type block struct {
	attrs  map[string]*attr
	blocks map[string]*nested
}

// schemas holds everything the provider serves, converted once per process.
type schemas struct {
	provider    *block
	resources   map[string]*block
	dataSources map[string]*block
}

func loadSchemas(path string) (*schemas, error) {
	if path == "" {
		return nil, fmt.Errorf("%s is not set: point it at the schema JSON that "+
			"`node scripts/extract-aws-schema.mjs build/aws-schema.json` writes", schemaEnv)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", schemaEnv, err)
	}
	return parseSchemas(text)
}

func parseSchemas(text []byte) (*schemas, error) {
	var doc jsonDoc
	if err := json.Unmarshal(text, &doc); err != nil {
		return nil, fmt.Errorf("the schema JSON: %w", err)
	}
	if doc.Format != 1 || doc.Revision < 2 {
		return nil, fmt.Errorf("the schema JSON is format %d revision %d; the fake provider needs "+
			"format 1 revision 2 or later (rebuild it with scripts/extract-aws-schema.mjs --force)",
			doc.Format, doc.Revision)
	}
	s := &schemas{resources: map[string]*block{}, dataSources: map[string]*block{}}
	var err error
	if s.provider, err = convertBlock(doc.Provider.Arguments, nil, true); err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	for name, t := range doc.Resources {
		if s.resources[name], err = convertBlock(t.Arguments, t.Computed, false); err != nil {
			return nil, fmt.Errorf("resource %s: %w", name, err)
		}
	}
	for name, t := range doc.DataSources {
		if s.dataSources[name], err = convertBlock(t.Arguments, t.Computed, false); err != nil {
			return nil, fmt.Errorf("data source %s: %w", name, err)
		}
	}
	return s, nil
}

// convertBlock turns extracted arguments and computed attributes into a block. Arguments are
// optional+computed unless required (the assembly cannot tell plain optional from
// optional+computed; computed keeps a second plan quiet either way); the provider block has no
// computed attributes.
func convertBlock(args map[string]jsonArg, computed map[string]json.RawMessage, isProvider bool) (*block, error) {
	b := &block{attrs: map[string]*attr{}, blocks: map[string]*nested{}}
	for name, a := range args {
		isBlock := (a.Shape == "block" || a.Shape == "blocklist") && !a.Attribute
		if isBlock {
			inner, err := convertBlock(a.Arguments, a.Computed, isProvider)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			n := &nested{block: inner}
			if a.Required {
				n.min = 1
			}
			if a.MaxOne {
				n.max = 1
			}
			b.blocks[name] = n
			continue
		}
		t, err := argType(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		b.attrs[name] = &attr{typ: t, required: a.Required, optional: !a.Required,
			computed: !a.Required && !isProvider}
	}
	for name, raw := range computed {
		if _, dup := b.attrs[name]; dup {
			continue
		}
		if _, dup := b.blocks[name]; dup {
			continue
		}
		t, err := parseType(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		b.attrs[name] = &attr{typ: t, computed: true}
	}
	return b, nil
}

// argType is the value type of a non-block argument.
func argType(a jsonArg) (tftypes.Type, error) {
	switch {
	case len(a.Type) > 0:
		return parseType(a.Type)
	case a.Shape == "any":
		return tftypes.DynamicPseudoType, nil
	case a.Arguments != nil: // an object-valued attribute, or a map of objects
		inner, err := convertBlock(a.Arguments, a.Computed, false)
		if err != nil {
			return nil, err
		}
		obj := inner.objectType()
		switch a.Shape {
		case "map":
			return tftypes.Map{ElementType: obj}, nil
		case "blocklist":
			return tftypes.List{ElementType: obj}, nil
		}
		return obj, nil
	}
	return tftypes.DynamicPseudoType, nil
}

// parseType reads a type in cty's JSON notation; null means "cannot tell" (dynamic).
func parseType(raw json.RawMessage) (tftypes.Type, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return typeOf(v)
}

func typeOf(v any) (tftypes.Type, error) {
	switch t := v.(type) {
	case nil:
		return tftypes.DynamicPseudoType, nil
	case string:
		switch t {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		case "dynamic":
			return tftypes.DynamicPseudoType, nil
		}
	case []any:
		if len(t) != 2 {
			break
		}
		if t[0] == "object" {
			m, ok := t[1].(map[string]any)
			if !ok {
				break
			}
			obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
			for k, e := range m {
				et, err := typeOf(e)
				if err != nil {
					return nil, err
				}
				obj.AttributeTypes[k] = et
			}
			return obj, nil
		}
		el, err := typeOf(t[1])
		if err != nil {
			return nil, err
		}
		switch t[0] {
		case "list", "set": // sets served as lists: order-insensitive plans are not emulated
			return tftypes.List{ElementType: el}, nil
		case "map":
			return tftypes.Map{ElementType: el}, nil
		}
	}
	return nil, fmt.Errorf("unsupported type %v", v)
}

// objectType is the value type of an object described by b (a nested block's element type).
func (b *block) objectType() tftypes.Object {
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	for name, a := range b.attrs {
		obj.AttributeTypes[name] = a.typ
	}
	for name, n := range b.blocks {
		elem := n.block.objectType()
		if hasDynamic(elem) {
			// OpenTofu (configschema ImpliedType) gives a list block whose element type holds a
			// dynamic attribute the type dynamic, the blocks then being a tuple; values come
			// wrapped with their concrete type, so the fake must expect that too.
			obj.AttributeTypes[name] = tftypes.DynamicPseudoType
		} else {
			obj.AttributeTypes[name] = tftypes.List{ElementType: elem}
		}
	}
	return obj
}

// hasDynamic tells whether t is or contains DynamicPseudoType.
func hasDynamic(t tftypes.Type) bool {
	switch t := t.(type) {
	case tftypes.Object:
		for _, at := range t.AttributeTypes {
			if hasDynamic(at) {
				return true
			}
		}
		return false
	case tftypes.List:
		return hasDynamic(t.ElementType)
	case tftypes.Set:
		return hasDynamic(t.ElementType)
	case tftypes.Map:
		return hasDynamic(t.ElementType)
	case tftypes.Tuple:
		for _, et := range t.ElementTypes {
			if hasDynamic(et) {
				return true
			}
		}
		return false
	}
	return t.Is(tftypes.DynamicPseudoType)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// proto is b in the plugin protocol's terms.
func (b *block) proto() *tfprotov5.SchemaBlock {
	out := &tfprotov5.SchemaBlock{}
	for _, name := range sortedKeys(b.attrs) {
		a := b.attrs[name]
		out.Attributes = append(out.Attributes, &tfprotov5.SchemaAttribute{
			Name:     name,
			Type:     a.typ,
			Required: a.required,
			Optional: a.optional,
			Computed: a.computed,
		})
	}
	for _, name := range sortedKeys(b.blocks) {
		n := b.blocks[name]
		out.BlockTypes = append(out.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: name,
			Nesting:  tfprotov5.SchemaNestedBlockNestingModeList,
			MinItems: int64(n.min),
			MaxItems: int64(n.max),
			Block:    n.block.proto(),
		})
	}
	return out
}
