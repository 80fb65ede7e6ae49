struct seed_pair {
	int a, b;
};
int seed_helper(int x);
int seed_outer(int x);
int seed_branchy(struct seed_pair *p);
