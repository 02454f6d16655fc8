package controllers

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// objectsOf fills each list with fill and returns their objects, list after list.
func objectsOf(lists []client.ObjectList, fill func(client.ObjectList) error) ([]client.Object, error) {
	var out []client.Object
	for _, l := range lists {
		if err := fill(l); err != nil {
			return nil, err
		}
		items, err := itemsOf(l)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// itemsOf returns the objects of a typed list.
func itemsOf(l client.ObjectList) ([]client.Object, error) {
	objs, err := meta.ExtractList(l)
	if err != nil {
		return nil, err
	}
	out := make([]client.Object, 0, len(objs))
	for _, o := range objs {
		co, ok := o.(client.Object)
		if !ok {
			return nil, fmt.Errorf("%T is not a client.Object", o)
		}
		out = append(out, co)
	}
	return out, nil
}
