/* twalk_r (glibc 2.30): twalk with a closure argument instead of the
 * depth, visiting the nodes of a tsearch tree in twalk's order (preorder,
 * postorder, endorder for inner nodes; leaf for leaves). The tree belongs
 * to the running glibc, so it is read as every release lays out its nodes:
 * the key first, then the left and the right child, where releases from
 * 2.27 keep the node's colour in the low bit of the left pointer (always 0
 * there before). */
#include <stddef.h>
#include <stdint.h>
#include "compat.h"

struct compat_node {
	const void *key;
	uintptr_t left;
	struct compat_node *right;
};

typedef void (*compat_action)(const void *node, int visit, void *closure);
enum { compat_preorder, compat_postorder, compat_endorder, compat_leaf };

static void compat_walk(const struct compat_node *n, compat_action action, void *closure)
{
	const struct compat_node *left = (const struct compat_node *)(n->left & ~(uintptr_t)1);

	if (left == NULL && n->right == NULL) {
		action(n, compat_leaf, closure);
		return;
	}
	action(n, compat_preorder, closure);
	if (left != NULL)
		compat_walk(left, action, closure);
	action(n, compat_postorder, closure);
	if (n->right != NULL)
		compat_walk(n->right, action, closure);
	action(n, compat_endorder, closure);
}

COMPAT_HIDDEN void twalk_r(const void *root, compat_action action, void *closure)
{
	if (root != NULL && action != NULL)
		compat_walk(root, action, closure);
}
