package main

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// driftEnv names the environment variable that makes ReadResource report changed values:
// rules separated by ';' or newlines, each
//
//	TYPE.PATH=VALUE              every object of TYPE
//	TYPE[ATTR=VAL].PATH=VALUE    only those whose top-level string ATTR equals VAL
//
// PATH is dot-separated: attribute names, map keys, list indexes. VALUE is converted to the
// attribute's type; the word null sets null. A missing map key is added.
const driftEnv = "EURUS_FAKEAWS_DRIFT"

type driftRule struct {
	typeName         string
	matchAttr, match string
	path             []string
	value            string
}

func parseDrift(spec string) ([]driftRule, error) {
	var rules []driftRule
	for _, raw := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == '\n' }) {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		var r driftRule
		rest := raw
		if i := strings.IndexAny(rest, ".["); i > 0 && rest[i] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("%q: no ] after [", raw)
			}
			r.typeName = rest[:i]
			sel := rest[i+1 : end]
			eq := strings.IndexByte(sel, '=')
			if eq < 0 {
				return nil, fmt.Errorf("%q: the selector needs ATTR=VALUE", raw)
			}
			r.matchAttr, r.match = sel[:eq], sel[eq+1:]
			rest = strings.TrimPrefix(rest[end+1:], ".")
		} else if i > 0 {
			r.typeName, rest = rest[:i], rest[i+1:]
		} else {
			return nil, fmt.Errorf("%q: expected TYPE.PATH=VALUE", raw)
		}
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("%q: expected TYPE.PATH=VALUE", raw)
		}
		r.path = strings.Split(rest[:eq], ".")
		r.value = rest[eq+1:]
		rules = append(rules, r)
	}
	return rules, nil
}

// applyDrift applies the rules for typeName to the state value v.
func applyDrift(rules []driftRule, typeName string, v tftypes.Value) (tftypes.Value, error) {
	if v.IsNull() || !v.IsKnown() {
		return v, nil
	}
	for _, r := range rules {
		if r.typeName != typeName {
			continue
		}
		if r.matchAttr != "" {
			var vals map[string]tftypes.Value
			if err := v.As(&vals); err != nil || stringOf(vals[r.matchAttr]) != r.match {
				continue
			}
		}
		var err error
		if v, err = setPath(v, r.path, r.value); err != nil {
			return v, fmt.Errorf("%s.%s: %w", r.typeName, strings.Join(r.path, "."), err)
		}
	}
	return v, nil
}

func setPath(v tftypes.Value, path []string, value string) (tftypes.Value, error) {
	if len(path) == 0 {
		return leaf(v.Type(), value)
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.Object{}), t.Is(tftypes.Map{}):
		vals := map[string]tftypes.Value{}
		if !v.IsNull() {
			if err := v.As(&vals); err != nil {
				return v, err
			}
		}
		child, ok := vals[path[0]]
		if !ok {
			m, isMap := t.(tftypes.Map)
			if !isMap {
				return v, fmt.Errorf("no attribute %q", path[0])
			}
			child = tftypes.NewValue(m.ElementType, nil)
		}
		nv, err := setPath(child, path[1:], value)
		if err != nil {
			return v, err
		}
		vals[path[0]] = nv
		return tftypes.NewValue(t, vals), nil
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return v, err
		}
		i, err := strconv.Atoi(path[0])
		if err != nil || i < 0 || i >= len(elems) {
			return v, fmt.Errorf("no element %q", path[0])
		}
		if elems[i], err = setPath(elems[i], path[1:], value); err != nil {
			return v, err
		}
		return tftypes.NewValue(t, elems), nil
	}
	return v, fmt.Errorf("cannot step into a %s with %q", t, path[0])
}

func leaf(t tftypes.Type, value string) (tftypes.Value, error) {
	if value == "null" {
		return tftypes.NewValue(t, nil), nil
	}
	switch {
	case t.Is(tftypes.String), t.Is(tftypes.DynamicPseudoType):
		return tftypes.NewValue(tftypes.String, value), nil
	case t.Is(tftypes.Number):
		f, _, err := big.ParseFloat(value, 10, 512, big.ToNearestEven)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%q is not a number", value)
		}
		return tftypes.NewValue(t, f), nil
	case t.Is(tftypes.Bool):
		b, err := strconv.ParseBool(value)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%q is not a bool", value)
		}
		return tftypes.NewValue(t, b), nil
	}
	return tftypes.Value{}, fmt.Errorf("only strings, numbers and bools can drift (this is a %s)", t)
}
